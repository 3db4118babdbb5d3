import InletCLI

await InletMain.main()
