#pragma once
// What a fuzz target found wrong that is not a crash: said on stderr, then abort() so that
// libFuzzer keeps the input (build-fuzz/findings/).
#include <cstdio>
#include <cstdlib>

[[noreturn]] inline void failure(const char* what, const char* detail) {
    std::fprintf(stderr, "fuzz finding: %s: %s\n", what, detail);
    std::abort();
}
