// JSON Lines export: one object per record (or failure) per line. The keys are a
// contract with other tools and are documented in the README; add keys, never rename.
#pragma once

#include <nlohmann/json.hpp>

#include "stages/export/record_writer.h"

namespace pressarchive {

nlohmann::json record_to_json(const Record& record);
nlohmann::json failure_to_json(const Failure& failure);

class JsonlWriter : public RecordWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}
  void write(const Record& record) override;
  void write(const Failure& failure) override;

 private:
  std::ostream& out_;
};

}  // namespace pressarchive
