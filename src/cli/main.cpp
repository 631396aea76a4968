// iclverify: a verifier for the theory of fine-tuning linear attention without losing ICL.
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  const icl::cli::Outcome r = icl::cli::run_command_line(std::vector<std::string>(argv, argv + argc));
  std::cout << r.out << std::flush;
  std::cerr << r.err << std::flush;
  return r.status;
}
