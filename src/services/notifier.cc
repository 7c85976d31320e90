#include "services/notifier.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/fs.h"

namespace ferry::services {
namespace {

constexpr uint64_t kMaxConfigSize = 1024 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Applies one "key value" line of a webhook section.
Status apply_property(WebhookTarget& t, std::string_view key, std::string_view value) {
  if (key == "url") {
    t.url = std::string(value);
  } else if (key == "secret") {
    t.secret = std::string(value);
  } else if (key == "fingerprint") {
    t.fingerprint = std::string(value);
  } else if (key == "disable") {
    t.disabled = value == "true" || value == "1" || value == "yes" || value == "on";
  }
  return ok();  // other PBS webhook properties (method, header, body, comment) are ignored
}

Result<std::vector<WebhookTarget>> parse_targets(std::string_view text, const std::string& file) {
  std::vector<WebhookTarget> out;
  bool in_webhook = false, in_section = false;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (raw.front() != ' ' && raw.front() != '\t') {  // section header "type: name"
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        return make_error(Errc::Corruption, "{} line {}: expected 'type: name'", file, line_no);
      }
      in_section = true;
      in_webhook = line.substr(0, colon) == "webhook";
      if (in_webhook) out.push_back({std::string(trim(line.substr(colon + 1))), "", {}, {}, false});
      continue;
    }
    if (!in_section) {
      return make_error(Errc::Corruption, "{} line {}: property outside a section", file, line_no);
    }
    if (!in_webhook) continue;
    const size_t sp = line.find_first_of(" \t");
    const std::string_view key = line.substr(0, sp);
    const std::string_view value = sp == std::string_view::npos ? "" : trim(line.substr(sp));
    FERRY_TRY(apply_property(out.back(), key, value));
  }
  for (const auto& t : out) {
    if (t.url.empty()) {
      return make_error(Errc::Corruption, "{}: webhook '{}' has no url", file, t.name);
    }
  }
  return out;
}

}  // namespace

std::string JobNotification::to_json() const {
  nlohmann::json j = {{"job-type", job_type},
                      {"job-id", job_id},
                      {"status", status},
                      {"upid", upid},
                      {"endtime", endtime}};
  if (!error.empty()) j["error"] = error;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<WebhookTarget>> read_webhook_targets(const config::ConfigDir& dir) {
  const auto path = dir.file("notifications.cfg");
  auto bytes = fs::read_file(path, kMaxConfigSize);
  if (!bytes && bytes.error().code() == Errc::NotFound) return std::vector<WebhookTarget>{};
  if (!bytes) return tl::unexpected(bytes.error());
  const std::string text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return parse_targets(text, path.string());
}

Notifier::Notifier(config::ConfigDir dir, std::chrono::milliseconds timeout)
    : dir_(std::move(dir)), timeout_(timeout), thread_([this] { run(); }) {}

Notifier::~Notifier() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Notifier::notify(JobNotification n) {
  if (n.status == "error" || n.status == "unknown") {
    spdlog::error("{} '{}' failed ({}): {}", n.job_type, n.job_id, n.upid, n.error);
  }
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      spdlog::warn("notification queue full, dropping the result of {} '{}'", n.job_type, n.job_id);
      return;
    }
    queue_.push_back(std::move(n));
  }
  cv_.notify_all();
}

void Notifier::wait_idle() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Notifier::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, everything delivered
    JobNotification n = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    deliver(n);
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

void Notifier::deliver(const JobNotification& n) {
  auto targets = read_webhook_targets(dir_);
  if (!targets) {
    spdlog::error("notification for {} '{}' not sent: {}", n.job_type, n.job_id,
                  targets.error().to_string());
    return;
  }
  const std::string body = n.to_json();
  for (const WebhookTarget& t : *targets) {
    if (t.disabled) continue;
    if (auto st = post_webhook(t, body, timeout_); !st) {
      spdlog::error("webhook '{}' for {} '{}' failed: {}", t.name, n.job_type, n.job_id,
                    st.error().to_string());
    }
  }
}

}  // namespace ferry::services
