// Who may change the archive through the web page. Reading needs nothing (the server
// listens on 127.0.0.1 unless told otherwise); every change (edit, review confirm,
// retry, boilerplate decision) needs the access token, and the CSRF token of a form this server
// rendered, and comes by POST. A read-only server refuses every change whatever it carries.
#pragma once

#include <optional>
#include <string>

#include "stages/web/request.h"

namespace pressarchive::web {

// The agent the events of changes made through the page name.
std::string web_agent();

// 32 random bytes from the kernel as 64 hex digits.
std::string random_token();

// Comparison in time independent of where the strings differ, so the token cannot be
// guessed a byte at a time from response times.
bool same_secret(const std::string& a, const std::string& b);

// The cookie that carries the access token after signing in (HttpOnly, SameSite=Strict).
inline constexpr const char* kTokenCookie = "pressarchive_token";
// The hidden form field that carries the CSRF token.
inline constexpr const char* kCsrfField = "csrf";

class AccessControl {
 public:
  // `token` empty: a random one is made (the caller prints it). The CSRF token is made
  // fresh for each server start.
  AccessControl(std::string token, bool read_only);

  const std::string& token() const { return token_; }
  const std::string& csrf() const { return csrf_; }
  bool read_only() const { return read_only_; }

  // Whether `request` may change the archive: a POST, on a server that is not read-only,
  // with the access token (cookie or form field "token") and the CSRF field. The refusal
  // says which was missing (403; 405 for a change by GET).
  std::optional<Refusal> check_change(const WebRequest& request) const;
  // The request carries the access token (cookie): the page shows the change forms.
  bool signed_in(const WebRequest& request) const;

  // The hidden CSRF field for a form.
  std::string csrf_input() const;

 private:
  std::string token_;
  std::string csrf_;
  bool read_only_;
};

}  // namespace pressarchive::web
