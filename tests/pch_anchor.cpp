// The translation unit the precompiled gtest header is built with
// (arbor_test_pch in tests/CMakeLists.txt); it defines nothing.
