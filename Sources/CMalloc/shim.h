// glibc's malloc tuning (mallopt); empty where malloc.h has no mallopt.
#if defined(__linux__)
#include <malloc.h>
#endif
