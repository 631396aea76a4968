// doctest's implementation and main(), compiled once for every unit-test executable (tests/CMakeLists.txt
// links this object into each of them): about 5 s of compile time each saved (docs/performance.md, "Build").
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
