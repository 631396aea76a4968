# Read by ctest (the TEST_INCLUDE_FILES of tests/): one test mutants_<id> per claim of the registry
# (theorems/registry.cpp), its ids asked from the built test binary, so that a claim added to the
# registry gets its entry with no edit here. ICL_TEST_MUTANTS is the binary's path.
if(NOT EXISTS "${ICL_TEST_MUTANTS}")
  add_test(mutants_NOT_BUILT "${ICL_TEST_MUTANTS}")
  return()
endif()
execute_process(COMMAND "${ICL_TEST_MUTANTS}" --list-claims OUTPUT_VARIABLE ids RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  add_test(mutants_LIST_FAILED "${ICL_TEST_MUTANTS}" --list-claims)
  return()
endif()
string(REGEX MATCHALL "[^\n]+" ids "${ids}")
foreach(id IN LISTS ids)
  add_test(mutants_${id} "${ICL_TEST_MUTANTS}" "--claim=${id}")
endforeach()
