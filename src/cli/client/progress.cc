#include "cli/client/progress.h"

#include <unistd.h>

#include <fmt/format.h>

namespace ferry::cli::client {
namespace {

double rate(uint64_t bytes, double seconds) {
  return seconds > 0 ? static_cast<double>(bytes) / seconds : 0.0;
}

double percent(uint64_t part, uint64_t whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.2f} {}", value, kUnits[unit]);
}

std::string format_backup_summary(const std::string& archive, const BackupStats& s) {
  return fmt::format(
      "{}: {}, {} chunks; uploaded {} chunks ({}, {} compressed), reused {} chunks ({}, "
      "{:.1f}%); {:.2f} s, {}/s",
      archive, format_bytes(s.size), s.chunks, s.uploaded_chunks, format_bytes(s.uploaded_bytes),
      format_bytes(s.compressed_bytes), s.reused_chunks, format_bytes(s.reused_bytes),
      percent(s.reused_bytes, s.size), s.seconds,
      format_bytes(static_cast<uint64_t>(rate(s.size, s.seconds))));
}

std::string format_restore_summary(const std::string& archive, const RestoreStats& s) {
  return fmt::format("{}: restored {} in {} chunks; {:.2f} s, {}/s", archive,
                     format_bytes(s.size), s.chunks, s.seconds,
                     format_bytes(static_cast<uint64_t>(rate(s.size, s.seconds))));
}

ProgressMeter::ProgressMeter(std::string label, uint64_t total, bool enabled, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      out_(out),
      start_(std::chrono::steady_clock::now()) {}

std::string ProgressMeter::line(const std::string& label, uint64_t done, uint64_t total,
                                uint64_t reused, double seconds) {
  std::string text = fmt::format("{}: {} of {} ({:.1f}%), {}/s", label, format_bytes(done),
                                 format_bytes(total), percent(done, total),
                                 format_bytes(static_cast<uint64_t>(rate(done, seconds))));
  if (reused > 0) text += fmt::format(", dedup {:.1f}%", percent(reused, done));
  return text;
}

void ProgressMeter::update(uint64_t done, uint64_t reused) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kInterval) return;
  last_draw_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // "\r" + erase-to-end-of-line keeps a shorter line from leaving stale characters.
  std::fprintf(out_, "\r%s\x1b[K", line(label_, done, total_, reused, seconds).c_str());
  std::fflush(out_);
}

void ProgressMeter::finish() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(out_, "\r\x1b[K");
  std::fflush(out_);
  drawn_ = false;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace ferry::cli::client
