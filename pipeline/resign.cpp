#include "pipeline/resign.h"

#include <string>
#include <utility>
#include <vector>

#include "stages/near_dup/signature_v2.h"

namespace pressarchive {
namespace {

// Records per transaction: large enough that commits do not dominate, small enough that
// a batch's texts stay a few megabytes.
constexpr int kBatch = 500;

StoredSignature signature_of(std::int64_t id, const std::string& text, const MinHash& minhash,
                             const NearDuplicateOptions& options) {
  const SignatureV2 signature = sign_v2(profile_record_v2(text, "", options), minhash, options);
  return StoredSignature{id, kSignatureSchemeV2, signature.bytes, signature.band_keys};
}

}  // namespace

// Version 1 is the only older scheme there is.
Result<std::int64_t> resign_older_signatures(ArchiveStore& store,
                                             const NearDuplicateOptions& options) {
  const MinHash minhash(options.num_perm);
  std::int64_t done = 0, after = 0;
  for (;;) {
    Result<std::vector<std::pair<std::int64_t, std::string>>> batch =
        store.records_signed_with(kSignatureSchemeV1, after, kBatch);
    if (!batch.ok()) return batch.error();
    if (batch->empty()) return done;
    std::vector<StoredSignature> signatures;
    signatures.reserve(batch->size());
    for (const auto& [id, text] : *batch)
      signatures.push_back(signature_of(id, text, minhash, options));
    if (Status s = store.replace_signatures(signatures); !s.ok()) return s.error();
    done += static_cast<std::int64_t>(signatures.size());
    after = batch->back().first;
  }
}

}  // namespace pressarchive
