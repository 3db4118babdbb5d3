// jemalloc's settings for the inlet binary, read once at start (MALLOC_CONF still wins).
//
// percpu_arena: one arena per CPU, used by whichever thread runs there. With jemalloc's default
// (four arenas per CPU, a thread bound to one for life) the readers' short-lived threads (one
// per object and pass) spread blocks over eight arenas on two cores, and a freed block was
// rarely reused before its pages went back to the system: a 200-object JSON load took 385k
// page faults and 1.1 s of system time; with an arena per CPU, 65-110k and 0.45-0.65 s, and
// 5-7% less wall time (docs/PERFORMANCE.md).
#if defined(__linux__)
const char *malloc_conf = "percpu_arena:percpu";
#endif
