// near_duplicates: finds records that are the same release in another form (a second scan,
// the born-digital original of a scan, a copy from another year's batch) or a re-issue of
// one, when their bytes differ. Each body gets a MinHash signature; LSH band keys of the
// signature find candidates without comparing every pair; verify_pair() decides.
//
//   BodyProfile profile = profile_body(record.metadata.body, record.metadata.release_date);
//   Signature signature = MinHash().sign(profile.shingles);
//   std::vector<std::uint64_t> keys = band_keys(signature, options.bands, options.rows);
//   ... records sharing a key are candidates; verify_pair(profile, candidate_profile)
//
// This is signature version 1, of the body; the archive signs the whole text with
// version 2 (stages/near_dup/signature_v2.h), made of the same pieces. Both stay as they are.
//
// Everything here is pure and thread-safe (LshIndex: one writer, or readers only).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"

namespace pressarchive {

// The tunables, with the defaults chosen from measurements on tests/dedup-set (50 same-
// release pairs at 0.7-3.5 % character errors, 67 pairs of different releases of one office,
// 13 revisions; build/bench/dedup_eval prints every number quoted here). Signatures and band
// keys are stored in the archive: changing shingle_chars, num_perm, bands or rows means
// re-signing every record.
struct NearDuplicateOptions {
  // Shingles are character n-grams of the folded body with spaces removed. Word 5-shingles
  // do not survive OCR: one misread word spoils five of them, so two forms of one release
  // shared as little as 9 % of their word 5-shingles (median 31 %), no more than different
  // releases of one office share through their closing lines (up to 8.8 %), and LSH missed
  // 35 of the 50 same-release pairs. Character 6-grams: same release 61.6-92.8 %, different
  // releases at most 15.3 %, no pair missed.
  int shingle_chars = 6;
  int num_perm = 128;
  // 32 bands of 4 rows: a pair becomes a candidate with probability 1 - (1 - J^4)^32:
  // 99.3 % at J = 0.616 (the least similar same-release pair), 1.7 % at J = 0.153 (the most
  // similar different releases), 5e-6 for unrelated releases (J ~ 0.02).
  int bands = 32;
  int rows = 4;
  // Below this shingle Jaccard two bodies are different releases. Measured: different
  // releases of one office at most 0.153; same release at least 0.616, revisions at least
  // 0.623. 0.30 is twice the highest different-release overlap and half the lowest same.
  double revision_min_jaccard = 0.30;
  // A pair with no date conflict and no changed sentence is the same release from this
  // Jaccard on; between revision_min_jaccard and this it goes to review as a revision
  // (similar, but too noisy to call). 0.2 below the noisiest same-release pair (0.616).
  double same_min_jaccard = 0.40;
  // A sentence "differs beyond OCR noise" when its edit distance to the best matching
  // stretch of the other body exceeds this share of its length. Measured: OCR noise on
  // both sides at most 0.109; a rewritten or added sentence at least 0.340; different
  // releases 0.64-0.72.
  double sentence_max_distance = 0.20;
  // Shorter sentences (headings, "ENDS", page numbers) are not checked one by one: a
  // single misread word in them is already a large share.
  int min_sentence_words = 5;
};

// Fails (Reason::kUnsupported, naming the key) when the options cannot work together:
// bands * rows != num_perm, thresholds outside [0, 1], sizes not positive.
Status check_options(const NearDuplicateOptions& options);

// NFC, Unicode case folding (full: "ß" and "SS" both become "ss"), line-end hyphenation
// undone ("Weiter-\nentwicklung" -> "weiterentwicklung"; "Rheinland-\nPfalz" keeps its
// hyphen), every run of whitespace (form feeds included) one space, punctuation dropped
// unless it sits between letters or digits ("2,4", "it-standort", "presse@lindenau.de").
// Invalid UTF-8 is read as U+FFFD. Readable: this is the text the signature is made from.
std::string normalise_for_signature(std::string_view body);

// Folds the characters OCR confuses, so both readings hash alike: diacritics are dropped
// ("ä" -> "a", as OCR often loses them), "rn" -> "m", "1" and "i" -> "l", "0" -> "o".
// Input: normalise_for_signature() output. Only for hashing and comparison, never shown.
std::string fold_ocr_confusables(std::string_view normalised);

// fold_ocr_confusables(normalise_for_signature(text)), without the text between the steps.
std::string folded_for_matching(std::string_view text);

// Sorts hashes and drops repeats (as std::sort and std::unique; large sets faster).
void sort_unique_hashes(std::vector<std::uint64_t>& hashes);

// Character n-gram shingles of fold_ocr_confusables(normalised) with spaces removed (OCR
// merges and splits words), each hashed to 64 bits; sorted, without duplicates. A text
// shorter than n is one shingle; an empty text has none.
std::vector<std::uint64_t> char_shingles(std::string_view normalised, int n = 6);

// Word k-shingles of fold_ocr_confusables(normalised), hashed to 64 bits; sorted, without
// duplicates. Kept for comparison (dedup_eval measures both); the signature uses
// char_shingles, see NearDuplicateOptions::shingle_chars.
std::vector<std::uint64_t> word_shingles(std::string_view normalised, int k = 5);

// Exact Jaccard similarity of two sorted, duplicate-free shingle sets; 0 when both are empty.
double jaccard(const std::vector<std::uint64_t>& shingles_a,
               const std::vector<std::uint64_t>& shingles_b);

// One minimum per permutation. 32 bits per value: two values collide by chance with
// probability 2^-32, far below the estimate's own error (~0.04 at 128 permutations), and a
// stored signature takes 512 bytes. Empty for an empty shingle set.
using Signature = std::vector<std::uint32_t>;

class MinHash {
 public:
  explicit MinHash(int num_perm = 128);

  // Thread-safe. Deterministic across runs, machines and versions (see the seeds in the
  // .cpp): a signature stored years ago stays comparable with one made today.
  Signature sign(const std::vector<std::uint64_t>& shingles) const;
  int num_perm() const { return static_cast<int>(seeds_.size()); }

 private:
  std::vector<std::uint64_t> seeds_;
};

// Share of equal positions: an unbiased estimate of the shingle Jaccard. 0 when either
// signature is empty or their lengths differ.
double estimate_jaccard(const Signature& a, const Signature& b);

// One key per band, hashing the band's `rows` values. The band index is in the key's top
// 8 bits, so keys of different bands never collide and one indexed column can hold them
// all (stored as a signed 64-bit integer, the bits unchanged). Requires
// bands * rows == signature.size() and bands <= 256 (check_options); otherwise, and for
// an empty signature, returns no keys.
std::vector<std::uint64_t> band_keys(const Signature& signature, int bands, int rows);

// Little-endian bytes of a signature (the BLOB layout in the archive), and back.
// signature_from_bytes fails (Reason::kUnreadable) on a length that is not a multiple of 4.
std::string signature_to_bytes(const Signature& signature);
Result<Signature> signature_from_bytes(std::string_view bytes);

// The body's sentences as comparison keys (normalised, OCR-folded). Split at ".", "!", "?"
// before a capital, but not after numbers ("14. Juni"), single letters ("z. B.") or common
// abbreviations ("Dr.", "Prof."); sentences longer than 300 characters are cut in pieces
// so one comparison stays cheap. Splitting need not be exact: each sentence is looked
// for in the whole other body.
std::vector<std::string> body_sentences(std::string_view body);

// A line of a text that holds digits, as verify_pair reads a release date from it where
// metadata could not: its frame (the line normalised and OCR-folded, each run of ASCII
// digits replaced by one "#") and those runs in order. "Marlow Bay, 17 November 202"
// has the frame "marlow bay # november #" and the numbers "17", "202".
struct NumberedLine {
  std::string frame;
  std::vector<std::string> numbers;
};

// The lines of `text` ("\n" ends a line) that hold a digit, in order.
std::vector<NumberedLine> numbered_lines(std::string_view text);

// What verification compares of one record. Made once per body.
struct BodyProfile {
  std::vector<std::uint64_t> shingles;  // char_shingles of the normalised body
  std::vector<std::string> sentences;   // body_sentences of the body
  std::string release_date;             // ISO 8601 (YYYY-MM-DD), or empty when unknown
  // numbered_lines of the whole text (profile_record_v2); empty in a body's profile,
  // whose dateline boilerplate removal has taken away.
  std::vector<NumberedLine> numbered_lines;
};

BodyProfile profile_body(std::string_view body, std::string release_date,
                         const NearDuplicateOptions& options = {});

// The char shingles of profile_body(body, ...), without its sentences: what a version 1
// signature and its band keys are made of.
std::vector<std::uint64_t> body_shingles(std::string_view body,
                                         const NearDuplicateOptions& options = {});

enum class VerdictKind {
  kSameRelease,  // one release in two forms: link as duplicate-of
  kRevision,     // one release re-issued with a changed date or text: link, keep both
  kDifferent,
};
const char* verdict_kind_name(VerdictKind kind);

struct Verdict {
  VerdictKind kind = VerdictKind::kDifferent;
  double score = 0;  // exact shingle Jaccard of the two bodies
  // Largest edit distance share of a sentence of either body against the other; 0 when
  // the bodies were not compared sentence by sentence (Jaccard too low).
  double sentence_distance = 0;
};

// What the exact shingle Jaccard of two profiles says on its own: kDifferent below
// revision_min_jaccard, kRevision below same_min_jaccard (verify_pair's verdict whatever
// their sentences and dates); nullopt from same_min_jaccard on, where sentences and
// dates decide. Part of verify_pair, for callers that profile a candidate in two steps.
std::optional<VerdictKind> kind_by_jaccard(double jaccard, const NearDuplicateOptions& options);

// The one rule that says whether two bodies are the same release:
//   different  when shingle Jaccard < revision_min_jaccard;
//   revision   when the release dates conflict (dates_conflict), or a sentence of at
//              least min_sentence_words words is missing from the other body beyond OCR
//              noise (edit distance share > sentence_max_distance), or Jaccard is below
//              same_min_jaccard;
//   same       otherwise.
// Symmetric in a and b.
Verdict verify_pair(const BodyProfile& a, const BodyProfile& b,
                    const NearDuplicateOptions& options = {});

// Whether two records carry different release dates: both known and not equal; or known
// on one only, and the other's counterpart of the line that date was printed on (the
// numbered line of the same frame, OCR noise aside: frame edit distance share at most
// sentence_max_distance, as many numbers) has a number of the same length that is not
// the same. A number that lost or gained a digit ("202" for "2022", "1" for "13") says
// nothing, as a line not found does: a re-issue whose new date OCR cut short is a
// revision, a copy whose date OCR cut short still the same release. Symmetric.
bool dates_conflict(const BodyProfile& a, const BodyProfile& b,
                    const NearDuplicateOptions& options = {});

// Band keys -> record ids, in memory. An open-addressing table of 12-byte slots, one per
// distinct key, holding a record's index (ids are kept once, 8 bytes per record); the
// rare keys shared by several records chain their indexes in a side array. About
// 17 bytes per band key at the 0.7 load the table grows to: 1,000,000 records of 32
// bands take ~550 MB. Not thread-safe for writing; concurrent candidates() calls are safe.
class LshIndex {
 public:
  LshIndex() = default;

  // Makes room for this many keys in all, so inserting them does not rehash.
  void reserve(std::size_t keys);
  // Adds the record's keys. Ids need not be dense or ordered; inserting an id twice
  // makes it a candidate of itself, which callers skip anyway.
  void insert(std::int64_t id, const std::vector<std::uint64_t>& band_keys);
  // Ids that share at least one key with `band_keys`, ascending, each once.
  std::vector<std::int64_t> candidates(const std::vector<std::uint64_t>& band_keys) const;

  std::size_t records() const { return ids_.size(); }
  std::size_t memory_bytes() const;

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr std::uint32_t kChained = 0x80000000u;  // so at most 2^31 records

  struct Slot {  // 4-byte fields keep the slot at 12 bytes without packing pragmas
    std::uint32_t key_low = 0;
    std::uint32_t key_high = 0;
    std::uint32_t value = kEmpty;  // record index, or kChained | chain head
  };
  struct ChainLink {
    std::uint32_t record;
    std::uint32_t next;
  };
  std::size_t find_slot(std::uint64_t key) const;
  void grow(std::size_t min_slots);

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  std::vector<ChainLink> chains_;
  std::vector<std::int64_t> ids_;
};

}  // namespace pressarchive
