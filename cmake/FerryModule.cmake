# Helpers that keep module and test registration automatic: a module is a folder under src/
# whose .cc files (including subfolders such as internal/ or api's config/) form one static
# library `ferry_<name>`; its unit tests are
# every tests/unit/<name>/*_test.cc, built into one executable and registered with ctest.

set(FERRY_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(FERRY_WERROR)
  list(APPEND FERRY_WARNINGS -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND FERRY_WARNINGS -Wthread-safety)
endif()

# ferry_module(<name> [DEPS ferry_x ...] [LIBS third::party ...])
function(ferry_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;LIBS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
  if(NOT srcs)  # a module that so far has only headers
    add_library(ferry_${name} INTERFACE)
    target_include_directories(ferry_${name} INTERFACE "${PROJECT_SOURCE_DIR}/src")
    target_link_libraries(ferry_${name} INTERFACE ${ARG_DEPS} ${ARG_LIBS})
    return()
  endif()
  add_library(ferry_${name} STATIC ${srcs})
  target_include_directories(ferry_${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_compile_options(ferry_${name} PRIVATE ${FERRY_WARNINGS})
  # Dependencies are PUBLIC because our public headers include theirs; the link lines are the
  # module graph of STYLE.md (no cycles).
  target_link_libraries(ferry_${name} PUBLIC ${ARG_DEPS} ${ARG_LIBS})
endfunction()

# ferry_program(<exe> <sources...> DEPS ...)
function(ferry_program exe)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${exe} ${ARG_SOURCES})
  target_compile_options(${exe} PRIVATE ${FERRY_WARNINGS})
  target_link_libraries(${exe} PRIVATE ${ARG_DEPS})
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
endfunction()

# ferry_test_suite(<dir under tests/> DEPS ...): one gtest executable per folder.
function(ferry_test_suite dir)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/${dir}/*_test.cc")
  if(NOT srcs)
    return()
  endif()
  string(REPLACE "/" "_" tname "${dir}")
  set(exe ferry_${tname}_tests)
  add_executable(${exe} ${srcs})
  target_compile_options(${exe} PRIVATE ${FERRY_WARNINGS})
  target_include_directories(${exe} PRIVATE "${PROJECT_SOURCE_DIR}/tests" "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(${exe} PRIVATE ferry_test_support ${ARG_DEPS} GTest::gtest GTest::gmock
                        GTest::gtest_main)
  target_compile_definitions(${exe} PRIVATE
    FERRY_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    FERRY_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/tests")
  include(GoogleTest)
  gtest_discover_tests(${exe} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()
