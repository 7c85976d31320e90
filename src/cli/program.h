// What every Ferry command-line program (ferry-manager, ferry-client) does around its commands:
// parse with CLI11 and explain parse errors, print a result or one error line, and the single
// exception barrier. Exit statuses: 0 on success, kExitFailure (255, as PBS's tools) otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace CLI {
class App;
}  // namespace CLI

namespace ferry::cli {

inline constexpr int kExitFailure = 255;

// Writes "Error: <message>" as one line to stderr (line breaks become spaces).
void print_error(std::string_view message);

// Parses the command line into `app`. Returns the exit status when parsing ended the program
// (help printed: 0; parse error: one error line naming the command and where to find help,
// kExitFailure), nullopt when the selected command should run.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

// Prints the output of a command to stdout, or its error; returns the exit status.
int print_result(const Result<std::string>& output);

// Runs `program` behind the one exception barrier of a CLI: our code returns errors as values,
// but libraries (CLI11, nlohmann::json, std::filesystem, std::future) may still throw. An
// exception becomes "Error: internal error: ..." and kExitFailure; bad_alloc terminates.
int run_guarded(int (*program)(int, char**), int argc, char** argv);

}  // namespace ferry::cli
