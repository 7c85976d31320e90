// Transfer statistics and progress output of ferry-client backup and restore.
//
// On a terminal (stderr is a tty) a ProgressMeter redraws one status line — bytes done of the
// total, percentage, rate and, for backups, the share of reused (deduplicated) data — at most
// four times per second, and erases it when finished. Otherwise it prints nothing and the
// command prints one summary line per archive (format_*_summary) when it is done.
//
// The formatting functions are pure; ProgressMeter writes to the FILE it was given and is
// owned by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ferry::cli::client {

// "0 B", "512 B", "1.50 KiB", "20.00 MiB", "2.00 GiB" (binary units, two decimals).
std::string format_bytes(uint64_t bytes);

// Counters of one archive's backup. Reused chunks are those the server already had (listed
// in the previous snapshot's index, or uploaded earlier in this session).
struct BackupStats {
  uint64_t size = 0;  // image bytes
  uint64_t chunks = 0;
  uint64_t uploaded_chunks = 0;
  uint64_t uploaded_bytes = 0;    // plain bytes of the uploaded chunks
  uint64_t compressed_bytes = 0;  // their encoded size on the wire
  uint64_t reused_chunks = 0;
  uint64_t reused_bytes = 0;
  double seconds = 0;
};

struct RestoreStats {
  uint64_t size = 0;
  uint64_t chunks = 0;
  double seconds = 0;
};

// "disk.img: 20.00 MiB, 5 chunks; uploaded 1 chunks (4.00 MiB, 4.00 MiB compressed), reused 4
// chunks (16.00 MiB, 80.0%); 0.52 s, 38.46 MiB/s".
std::string format_backup_summary(const std::string& archive, const BackupStats& stats);
// "disk.img: restored 20.00 MiB in 5 chunks; 0.31 s, 64.52 MiB/s".
std::string format_restore_summary(const std::string& archive, const RestoreStats& stats);

class ProgressMeter {
 public:
  static constexpr std::chrono::milliseconds kInterval{250};

  // `enabled` false makes every call a no-op (not a terminal).
  ProgressMeter(std::string label, uint64_t total, bool enabled, std::FILE* out = stderr);
  ~ProgressMeter() { finish(); }
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  // Reports `done` bytes (of which `reused` were deduplicated); redraws when kInterval has
  // passed since the last redraw.
  void update(uint64_t done, uint64_t reused = 0);
  // Erases the status line; idempotent.
  void finish();

  // The text of the status line (without the leading carriage return). Exposed for tests.
  static std::string line(const std::string& label, uint64_t done, uint64_t total,
                          uint64_t reused, double seconds);

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

// True when stderr is a terminal (the progress line makes sense).
bool stderr_is_terminal();

}  // namespace ferry::cli::client
