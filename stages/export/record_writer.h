// Export writers: one per output format, each in its own file behind this interface
// (STYLE.md item 4). Not thread-safe; one writer per output stream.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "stages/core/model.h"

namespace pressarchive {

class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  virtual void write(const Record& record) = 0;
  virtual void write(const Failure& failure) = 0;
};

// nullptr when the format is unknown. Known: "jsonl", "csv" (stages/export/record_writers.cpp).
std::unique_ptr<RecordWriter> make_record_writer(const std::string& format, std::ostream& out);

}  // namespace pressarchive
