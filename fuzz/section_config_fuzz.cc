// libFuzzer target for the section-config parser (untrusted input: config files on disk).
//
// For each file schema (datastore, remote, sync, verification): parse the input; when it
// parses, the rendered text must parse again and render to the same bytes (the writer's
// output is a fixed point), and every section must convert to its typed struct. Seeds:
// tests/data/config/*.cfg.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/datastore_config.h"
#include "config/remote_config.h"
#include "config/section_config.h"
#include "config/sync_job_config.h"
#include "config/verification_job_config.h"

namespace {

template <typename Typed>
void check(const ferry::config::ConfigFileSpec& spec, std::string_view text) {
  auto data = ferry::config::parse_section_config(spec.schema, text);
  if (!data) return;
  auto written = ferry::config::write_section_config(spec.schema, *data);
  if (!written) std::abort();  // everything the parser accepts must be writable
  auto again = ferry::config::parse_section_config(spec.schema, *written);
  if (!again) std::abort();
  auto rewritten = ferry::config::write_section_config(spec.schema, *again);
  if (!rewritten || *rewritten != *written) std::abort();
  for (const auto& section : data->sections()) {
    if (!Typed::from_section(section)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check<ferry::config::DatastoreConfig>(ferry::config::datastore_config_file(), text);
  check<ferry::config::RemoteConfig>(ferry::config::remote_config_file(), text);
  check<ferry::config::SyncJobConfig>(ferry::config::sync_config_file(), text);
  check<ferry::config::VerificationJobConfig>(ferry::config::verification_config_file(), text);
  return 0;
}
