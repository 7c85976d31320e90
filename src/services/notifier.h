// ferry::services — notifications about job results (issue #7): a log line on the daemon log
// for every failed job, and HTTP POSTs to the webhook targets of notifications.cfg.
//
// notifications.cfg (in the config directory) may hold other PBS section types (sendmail,
// matcher, ...); only `webhook` sections are read, e.g.
//
//   webhook: ops
//   	url https://hooks.example.org:8443/ferry
//   	secret s3cr3t
//   	fingerprint 4a:...:e1
//
// `url` must be https; `secret` (optional) is sent as the value of the `X-Ferry-Secret`
// request header; `fingerprint` (optional, Ferry extension) pins a self-signed receiver's
// certificate, otherwise the system trust store and the host name decide; `disable true`
// skips the target. The body is one JSON object:
//
//   {"job-type":"syncjob","job-id":"s1","status":"error","upid":"UPID:...",
//    "error":"sync failed with some errors.","endtime":1717582700}
//
// (`error` only for failed runs; status is "ok", "warning", "error" or "unknown").
//
// Delivery never blocks the job: notify() queues the message and one background thread posts
// it to every target with a 10 s deadline per target (connect, TLS, request and response).
// Failures are logged and dropped; there are no retries. The queue is bounded (kMaxQueued);
// messages beyond it are dropped with a log line.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "config/config_dir.h"

namespace ferry::services {

// The result of one job run.
struct JobNotification {
  std::string job_type;  // "syncjob", "verificationjob"
  std::string job_id;
  std::string status;  // "ok", "warning", "error", "unknown"
  std::string upid;
  std::string error;  // the task's error message ("" unless status is "error")
  int64_t endtime = 0;

  // The JSON body posted to webhooks (see above).
  std::string to_json() const;
};

struct WebhookTarget {
  std::string name;
  std::string url;
  std::optional<std::string> secret;
  std::optional<std::string> fingerprint;
  bool disabled = false;
};

// The webhook sections of `<dir>/notifications.cfg`; a missing file has none. Errors:
// Corruption naming the line (a property outside a section, a webhook without url),
// Io. Blocks.
Result<std::vector<WebhookTarget>> read_webhook_targets(const config::ConfigDir& dir);

// POSTs `body` (application/json) to the target, waiting at most `timeout` in total. Errors:
// InvalidArgument (bad url or fingerprint), Timeout, Unavailable (connect/TLS/certificate),
// Io, and Unavailable "webhook '<name>' answered <status>" for a non-2xx status. Blocks.
Status post_webhook(const WebhookTarget& target, std::string_view body,
                    std::chrono::milliseconds timeout);

// Queues notifications and delivers them on its own thread. Thread-safe. The destructor
// delivers what is queued (each post bounded by the timeout) and joins the thread.
class Notifier {
 public:
  static constexpr size_t kMaxQueued = 64;
  static constexpr std::chrono::milliseconds kTimeout{10000};

  explicit Notifier(config::ConfigDir dir, std::chrono::milliseconds timeout = kTimeout);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Logs a failed run on the daemon log and queues the webhook posts. Never blocks on I/O.
  void notify(JobNotification notification);

  // Blocks until the queue is empty and no post is in flight (tests, shutdown).
  void wait_idle();

 private:
  void run();
  void deliver(const JobNotification& n);

  const config::ConfigDir dir_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<JobNotification> queue_;  // guarded by mutex_
  bool busy_ = false;                  // guarded by mutex_
  bool stopping_ = false;              // guarded by mutex_
  std::thread thread_;
};

}  // namespace ferry::services
