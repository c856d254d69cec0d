#include "stages/core/result.h"

#include <array>
#include <utility>

namespace pressarchive {
namespace {
constexpr std::array<std::pair<Reason, const char*>, 8> kReasonNames{{
    {Reason::kUnreadable, "unreadable"},
    {Reason::kEncrypted, "encrypted"},
    {Reason::kUnsupported, "unsupported"},
    {Reason::kTooLarge, "too large"},
    {Reason::kTimeout, "timeout"},
    {Reason::kNoText, "no text"},
    {Reason::kIo, "io"},
    {Reason::kInternal, "internal"},
}};
}  // namespace

const char* reason_name(Reason reason) {
  for (const auto& [r, name] : kReasonNames)
    if (r == reason) return name;
  return "internal";
}

std::optional<Reason> reason_from_name(const std::string& name) {
  for (const auto& [r, n] : kReasonNames)
    if (name == n) return r;
  return std::nullopt;
}

}  // namespace pressarchive
