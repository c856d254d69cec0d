// signature_v2: near-duplicate signatures made from the record's whole text, so that
// whether two records are the same release does not hinge on where metadata extraction
// put the end of the title. Version 1 signed the body (the text after the headline): a
// header misread on one copy only (a scanner border read as a line "EEE" and taken as the
// title, "Pressemitteilung" taken as the title) moved the start of that copy's body into
// the letterhead, and its twin's signature did not meet it. The whole text is the same
// text on both copies whatever the header parse made of it.
//
//   SignedRecord s = sign_record(record.text, record.metadata.body,
//                                record.metadata.release_date, minhash, options);
//   ... s.signature stored with scheme kSignatureSchemeV2; placement looks up
//   s.placement_keys and verifies against s.profile
//
// Version 1 (near_duplicates.h: the body's character 6-grams, band_keys) stays as it was,
// byte for byte: archives hold it, and a new record still finds v1 records through the v1
// band keys of its body. Everything here is frozen like version 1: tests pin its bytes.
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {

// The `scheme` column of near_dup_signatures.
inline constexpr int kSignatureSchemeV1 = 1;
inline constexpr int kSignatureSchemeV2 = 2;

// The text version 2 signs: the record's whole text (every page, title, header and body
// alike), without the lines that are scanner debris rather than print: lines with no
// letter and fewer than three digits ("- 2 -", "|||", "———") and lines that are one token
// of at most three letters and no digit ("EEE", "mn", "Il"), which a dark border or a
// punched hole is read as. A body line left with one short word by wrapping is dropped
// too; that costs a few shingles. Lines stay lines ("\n").
std::string signed_text_v2(std::string_view record_text);

// The profile verification compares and version 2 signs: char shingles and sentences
// of signed_text_v2(record_text) (as profile_body makes them of a body), and its
// numbered lines (what a release date read on one copy only is checked against).
BodyProfile profile_record_v2(std::string_view record_text, std::string release_date,
                              const NearDuplicateOptions& options = {});

// profile_record_v2 in two steps, for a candidate that its Jaccard alone may settle
// (kind_by_jaccard): a profile with the shingles only, then the rest added to it (the
// sentences, `release_date` and the numbered lines). Together the same profile.
BodyProfile shingles_v2(std::string_view record_text, const NearDuplicateOptions& options = {});
void complete_profile_v2(BodyProfile& profile, std::string_view record_text,
                         std::string release_date);

// Version 2 band keys: version 1's band hash of the signature with the top bit set
// (band index 128 + b in the top 8 bits), so the keys of the two versions share one
// indexed column and never meet by accident. Requires bands <= 128; otherwise, and for
// an empty signature, no keys.
std::vector<std::uint64_t> band_keys_v2(const Signature& signature, int bands, int rows);

struct SignatureV2 {
  std::string bytes;                     // signature_to_bytes of the MinHash signature
  std::vector<std::uint64_t> band_keys;  // band_keys_v2 of it
};

// The stored form of a record's version 2 signature; empty when the profile has no
// shingles (a record without text).
SignatureV2 sign_v2(const BodyProfile& profile_v2, const MinHash& minhash,
                    const NearDuplicateOptions& options);

// A record signed for placement: what near-duplicate placement (stages/store/placement.h)
// needs of it, and nothing else.
struct SignedRecord {
  SignatureV2 signature;                      // stored with the record, scheme 2
  BodyProfile profile;                        // of the whole text: what verification compares
  std::vector<std::uint64_t> placement_keys;  // what candidates are looked up and locked by
};

// Signing in its two independent halves: the whole text's profile and version 2 signature
// (which needs no metadata, so the graph makes it beside metadata extraction), and the
// version 1 band keys of the body; then the two joined, with the record's release date.
struct WholeTextSignature {
  BodyProfile profile;
  SignatureV2 signature;
};
WholeTextSignature sign_whole_text(std::string_view text, const MinHash& minhash,
                                   const NearDuplicateOptions& options);
std::vector<std::uint64_t> body_band_keys_v1(std::string_view body, const MinHash& minhash,
                                             const NearDuplicateOptions& options);
SignedRecord signed_record_of(WholeTextSignature whole, std::string release_date,
                              const std::vector<std::uint64_t>& body_keys_v1);

// Signs a record from its whole text (version 2), and finds the keys it is placed by from
// its v2 keys and its body's version 1 keys: the three above in turn. `release_date` is
// ISO 8601 or empty.
SignedRecord sign_record(std::string_view text, std::string_view body, std::string release_date,
                         const MinHash& minhash, const NearDuplicateOptions& options);

}  // namespace pressarchive
