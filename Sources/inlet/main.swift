import Foundation
import InletCLI

exit(await InletMain.runMain())
