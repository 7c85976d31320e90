#include "client/internal/io_thread.h"

#include "common/check.h"
#include "common/log.h"

namespace ferry::client::internal {

IoThread::IoThread() : ctx_(1) {
  work_.emplace(ctx_.get_executor());
  thread_ = std::thread([this] {
    // The client's catch barrier for the I/O thread: an escaping exception is a bug in a
    // handler, logged, and the loop keeps serving the other connections.
    for (;;) {
      try {
        ctx_.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("client I/O thread: unhandled exception: {}", e.what());
      }
    }
  });
}

IoThread::~IoThread() {
  // Destroying the context from inside its own run() would free the stack it runs on.
  FERRY_CHECK(thread_.get_id() != std::this_thread::get_id(),
              "client I/O thread released its own IoThread");
  work_.reset();
  ctx_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ferry::client::internal
