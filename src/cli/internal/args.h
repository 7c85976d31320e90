// ferry::cli::internal — binding command-line options to the typed parameter structs of the
// config service layer (api/config/*.h).
//
// CLI11 only collects the raw text of each option. Conversions that can fail (integers,
// PBS booleans) run in CLI11's option callbacks but never throw: they record the first error,
// and the command reports it (`Args::status`) before it touches any file. Error messages name
// the parameter by its PBS wire name: "invalid parameter 'port': value 'x' is not an integer".
//
// An Args object must outlive the parse (the callbacks refer to it): commands keep it in their
// heap-allocated state together with the destination structs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/result.h"

namespace ferry::cli::internal {

// PBS boolean forms, case-insensitive: 1/on/yes/true and 0/off/no/false. InvalidArgument
// naming `field` otherwise.
Result<bool> parse_bool(std::string_view field, std::string_view text);

// Optional sign and decimal digits, fitting int64. Range checks are the service layer's job.
Result<int64_t> parse_integer(std::string_view field, std::string_view text);

// Registers options on one subcommand. `name` is the PBS property name; the option is
// `--<name>` plus `--<alias>` for each alias (older spellings such as --userid).
class Args {
 public:
  explicit Args(CLI::App& cmd) : cmd_(cmd) {}
  Args(const Args&) = delete;
  Args& operator=(const Args&) = delete;

  CLI::Option* text(std::string_view name, std::optional<std::string>& dest,
                    const std::string& help, const std::vector<std::string>& aliases = {});
  CLI::Option* integer(std::string_view name, std::optional<int64_t>& dest,
                       const std::string& help);
  CLI::Option* boolean(std::string_view name, std::optional<bool>& dest, const std::string& help);
  // Repeatable: `--name a --name b` (one value per occurrence).
  CLI::Option* list(std::string_view name, std::vector<std::string>& dest, const std::string& help);
  CLI::Option* list(std::string_view name, std::optional<std::vector<std::string>>& dest,
                    const std::string& help);

  // The common update options: `--delete PROP` (repeatable) and `--digest D`.
  void update_options(std::vector<std::string>& delete_props, std::optional<std::string>& digest,
                      const std::string& deletable);

  // The first conversion error recorded while parsing, or ok.
  Status status() const;

 private:
  CLI::Option* add(std::string_view name, const std::vector<std::string>& aliases,
                   const std::string& help, std::function<void(const std::string&)> store);
  void record(Error error);

  CLI::App& cmd_;
  std::optional<Error> error_;
};

}  // namespace ferry::cli::internal
