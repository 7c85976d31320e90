#include "auth/pam_authenticator.h"

#include <security/pam_appl.h>

#include <cstdlib>
#include <cstring>

#include "common/log.h"

namespace ferry::auth {
namespace {

struct Conversation {
  std::string user;
  std::string password;
};

char* dup_string(const std::string& s) {
  // PAM frees responses with free(): allocate with malloc.
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

void free_responses(pam_response* resp, int n) {
  for (int i = 0; i < n; ++i) {
    if (resp[i].resp) {
      explicit_bzero(resp[i].resp, std::strlen(resp[i].resp));
      std::free(resp[i].resp);
    }
  }
  std::free(resp);
}

// Linux-PAM conversation: `msg` is an array of `n` message pointers.
extern "C" int converse(int n, const pam_message** msg, pam_response** out, void* data) {
  if (n <= 0 || n > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
  auto* conv = static_cast<const Conversation*>(data);
  auto* resp = static_cast<pam_response*>(std::calloc(size_t(n), sizeof(pam_response)));
  if (!resp) return PAM_BUF_ERR;
  for (int i = 0; i < n; ++i) {
    switch (msg[i]->msg_style) {
      case PAM_PROMPT_ECHO_OFF:
        resp[i].resp = dup_string(conv->password);
        break;
      case PAM_PROMPT_ECHO_ON:
        resp[i].resp = dup_string(conv->user);
        break;
      case PAM_ERROR_MSG:
        spdlog::warn("pam error: {}", msg[i]->msg ? msg[i]->msg : "");
        continue;
      case PAM_TEXT_INFO:
        spdlog::info("pam message: {}", msg[i]->msg ? msg[i]->msg : "");
        continue;
      default:
        free_responses(resp, n);
        return PAM_CONV_ERR;
    }
    if (!resp[i].resp) {
      free_responses(resp, n);
      return PAM_BUF_ERR;
    }
  }
  *out = resp;
  return PAM_SUCCESS;
}

// The application-supplied delay function: no delay here (see the header).
extern "C" void no_fail_delay(int, unsigned, void*) {}

// Runs `step` on a fresh PAM transaction for `user`.
template <typename Step>
Status with_pam(const std::string& service, std::string_view user, std::string_view password,
                Step step) {
  Conversation conv{std::string(user.substr(0, user.find('\0'))),
                    std::string(password.substr(0, password.find('\0')))};
  pam_conv pam_conversation{&converse, &conv};
  pam_handle_t* handle = nullptr;
  int rc = pam_start(service.c_str(), conv.user.c_str(), &pam_conversation, &handle);
  if (rc != PAM_SUCCESS) {
    if (handle) pam_end(handle, rc);
    return make_error(Errc::Internal, "error opening pam service '{}' - {}", service, rc);
  }
  using DelayFn = void (*)(int, unsigned, void*);
  DelayFn delay = &no_fail_delay;
  pam_set_item(handle, PAM_FAIL_DELAY, reinterpret_cast<const void*>(delay));
  Status result = step(handle);
  pam_end(handle, result ? PAM_SUCCESS : PAM_AUTH_ERR);
  explicit_bzero(conv.password.data(), conv.password.size());
  return result;
}

Status pam_failure(pam_handle_t* handle, std::string_view step, int rc) {
  return make_error(Errc::Unauthenticated, "{}: {}", step, pam_strerror(handle, rc));
}

}  // namespace

Status PamAuthenticator::authenticate_user(std::string_view username,
                                           std::string_view password) {
  return with_pam(service_, username, password, [](pam_handle_t* h) -> Status {
    if (int rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK); rc != PAM_SUCCESS) {
      return pam_failure(h, "pam_authenticate", rc);
    }
    if (int rc = pam_acct_mgmt(h, 0); rc != PAM_SUCCESS) {
      return pam_failure(h, "pam_acct_mgmt", rc);
    }
    return ok();
  });
}

Status PamAuthenticator::store_password(std::string_view username, std::string_view password) {
  return with_pam(service_, username, password, [](pam_handle_t* h) -> Status {
    if (int rc = pam_chauthtok(h, 0); rc != PAM_SUCCESS) {
      return make_error(Errc::InvalidArgument, "error changing auth token - {}",
                        pam_strerror(h, rc));
    }
    return ok();
  });
}

}  // namespace ferry::auth
