#include "config/verification_job_config.h"

#include "config/internal/schema_helpers.h"
#include "types/names.h"

namespace ferry::config {
namespace {

using namespace internal;

ConfigFileSpec make_spec() {
  SectionTypeSchema v;
  v.type = "verification";
  v.id_property = "id";
  v.validate_id = types::validate_job_id;
  v.properties = {
      required(string_prop("store", types::validate_datastore_name)),
      namespace_prop("ns"),
      int_prop("max-depth", 0, int64_t(types::BackupNamespace::kMaxDepth)),
      bool_prop("ignore-verified"),
      int_prop("outdated-after", 0, std::numeric_limits<int64_t>::max()),
      schedule_prop("schedule"),
      comment_prop(),
  };
  return ConfigFileSpec{
      "verification.cfg", ".verification.lck", 0640, {"verification.cfg", {std::move(v)}}};
}

}  // namespace

const ConfigFileSpec& verification_config_file() {
  static const ConfigFileSpec spec = make_spec();
  return spec;
}

Result<VerificationJobConfig> VerificationJobConfig::from_section(const Section& section) {
  FERRY_TRY(validate_section(verification_config_file().schema.types.front(), section));
  VerificationJobConfig j;
  j.id = section.id;
  FERRY_TRY_ASSIGN(j.store, get_required(section, "store"));
  FERRY_TRY_ASSIGN(auto ns, get_string(section, "ns"));
  if (ns) {
    FERRY_TRY_ASSIGN(j.ns, types::BackupNamespace::parse(*ns));
  }
  FERRY_TRY_ASSIGN(auto depth, get_int(section, "max-depth"));
  if (depth) j.max_depth = uint32_t(*depth);
  FERRY_TRY_ASSIGN(j.ignore_verified, get_bool(section, "ignore-verified"));
  FERRY_TRY_ASSIGN(j.outdated_after, get_int(section, "outdated-after"));
  FERRY_TRY_ASSIGN(j.schedule, get_string(section, "schedule"));
  FERRY_TRY_ASSIGN(j.comment, get_string(section, "comment"));
  return j;
}

Section VerificationJobConfig::to_section() const {
  Section s{"verification", id, {}};
  s.set("store", store);
  if (ns) s.set("ns", ns->to_string());
  if (max_depth) put(s, "max-depth", std::optional<int64_t>(*max_depth));
  put_bool(s, "ignore-verified", ignore_verified);
  put(s, "outdated-after", outdated_after);
  put(s, "schedule", schedule);
  put(s, "comment", comment);
  return s;
}

}  // namespace ferry::config
