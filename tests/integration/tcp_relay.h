// TcpRelay: a small TCP relay for network fault tests (issue #6).
//
// Listens on 127.0.0.1 (port 0, the kernel picks) and forwards every accepted connection, byte
// for byte in both directions, to 127.0.0.1:<target_port>. TLS passes through untouched, so
// a client pinning the target's certificate fingerprint works through the relay.
//
// Faults, all thread-safe and callable while transfers run:
//   cut()             resets every open connection now (SO_LINGER 0, the peer sees a reset or
//                     an EOF) and puts the relay into the "broken" state: connections accepted
//                     later are reset at once, until heal();
//   cut_after(n)      cuts (as cut()) once `n` more bytes went from the target to the clients;
//   stall()           forwards nothing any more: data already read is held back and new
//                     connections are accepted but never forwarded, until heal() or cut();
//   heal()            back to plain forwarding: stalled connections resume, connections
//                     accepted while stalled are reset (they were never forwarded).
//
// One thread accepts; each connection gets two pump threads (one per direction, blocking
// I/O), so a slow direction never blocks the other. The destructor cuts everything and joins.
// Header-only because the integration suite compiles only *_test.cc files.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ferry::test {

class TcpRelay {
 public:
  explicit TcpRelay(uint16_t target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(0);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ||
        ::listen(listen_fd_, 64)) {
      error_ = "relay: listen failed: " + std::string(strerror(errno));
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~TcpRelay() {
    {
      std::lock_guard l(mu_);
      stopping_ = true;
    }
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    if (acceptor_.joinable()) acceptor_.join();
    cut();
    std::vector<std::thread> pumps;
    {
      std::lock_guard l(mu_);
      pumps.swap(pumps_);
    }
    for (auto& t : pumps) t.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  // "" when listening, else why not.
  const std::string& error() const { return error_; }
  uint16_t port() const { return port_; }

  void cut() {
    std::lock_guard l(mu_);
    cut_locked();
  }

  void cut_after(uint64_t bytes) {
    std::lock_guard l(mu_);
    cut_budget_ = bytes;
    armed_ = true;
  }

  void stall() {
    std::lock_guard l(mu_);
    stalled_ = true;
  }

  void heal() {
    std::lock_guard l(mu_);
    broken_ = false;
    stalled_ = false;
    armed_ = false;
    for (auto& c : held_) {  // never forwarded: their clients see a reset
      c->closed = true;
      reset(c->client);
    }
    held_.clear();
    cv_.notify_all();
  }

  // Connections accepted so far; bytes forwarded from the target to clients so far.
  size_t connections() const {
    std::lock_guard l(mu_);
    return accepted_;
  }
  uint64_t bytes_down() const {
    std::lock_guard l(mu_);
    return bytes_down_;
  }
  size_t cuts() const {
    std::lock_guard l(mu_);
    return cuts_;
  }

 private:
  // Both sockets of one relayed connection; closed when both pumps are done with it.
  struct Conn {
    int client = -1;
    int server = -1;
    bool closed = false;  // cut: both sockets shut down (guarded by the relay's mu_)
    ~Conn() {
      if (client >= 0) ::close(client);
      if (server >= 0) ::close(server);
    }
  };

  static sockaddr_in loopback(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }

  static void reset(int fd) {
    if (fd < 0) return;
    linger lg{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::shutdown(fd, SHUT_RDWR);
  }

  void cut_locked() {
    for (auto& weak : conns_) {
      if (auto c = weak.lock(); c && !c->closed) {
        c->closed = true;
        reset(c->client);
        reset(c->server);
      }
    }
    conns_.clear();
    broken_ = true;
    armed_ = false;
    ++cuts_;
    cv_.notify_all();
  }

  void accept_loop() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0 && errno == EINTR) continue;
      if (fd < 0) return;
      auto c = std::make_shared<Conn>();
      c->client = fd;
      std::lock_guard l(mu_);
      if (stopping_) return;  // c closes fd
      ++accepted_;
      if (broken_) {
        reset(fd);
        continue;
      }
      if (stalled_) {
        conns_.push_back(c);
        held_.push_back(c);  // kept open, never connected
        continue;
      }
      c->server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr = loopback(target_port_);
      if (c->server < 0 ||
          ::connect(c->server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        reset(fd);
        continue;
      }
      conns_.push_back(c);
      pumps_.emplace_back([this, c] { pump(c, c->client, c->server, false); });
      pumps_.emplace_back([this, c] { pump(c, c->server, c->client, true); });
    }
  }

  // Copies `from` → `to` until EOF, an error or a cut; `down` = target → client.
  void pump(std::shared_ptr<Conn> c, int from, int to, bool down) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      ssize_t n = ::read(from, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      size_t pass = size_t(n);
      bool cut_now = false;
      {
        std::unique_lock l(mu_);
        cv_.wait(l, [&] { return !stalled_ || c->closed; });
        if (c->closed) break;
        if (down && armed_) {
          if (pass >= cut_budget_) {
            pass = size_t(cut_budget_);
            cut_now = true;
          } else {
            cut_budget_ -= pass;
          }
        }
        if (down) bytes_down_ += pass;
      }
      if (!write_all(to, buf.data(), pass)) break;
      if (cut_now) {
        cut();
        break;
      }
    }
    std::lock_guard l(mu_);
    if (!c->closed) {  // a normal end: pass it on to the other side
      c->closed = true;
      ::shutdown(c->client, SHUT_RDWR);
      ::shutdown(c->server, SHUT_RDWR);
    }
  }

  static bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
      ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n;
      size -= size_t(n);
    }
    return true;
  }

  const uint16_t target_port_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::string error_;
  std::thread acceptor_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> pumps_;
  std::vector<std::weak_ptr<Conn>> conns_;
  std::vector<std::shared_ptr<Conn>> held_;  // stalled connections, never forwarded
  bool stopping_ = false;
  bool broken_ = false;
  bool stalled_ = false;
  bool armed_ = false;
  uint64_t cut_budget_ = 0;
  uint64_t bytes_down_ = 0;
  size_t accepted_ = 0;
  size_t cuts_ = 0;
};

}  // namespace ferry::test
