// CSV for the people who check a batch in a spreadsheet: one row per record (RFC 4180:
// header row, every field quoted, CRLF), UTF-8 with a byte order mark so that Excel reads
// umlauts right; LibreOffice takes it as it is.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "stages/export/record_writer.h"

namespace pressarchive {

// One field, quoted. Text that a spreadsheet would run as a formula (starting with =, +,
// -, @, a tab or a carriage return: OCR text is hostile) is prefixed with an apostrophe.
std::string csv_field(std::string_view value);

class CsvWriter : public RecordWriter {
 public:
  explicit CsvWriter(std::ostream& out);
  void write(const Record& record) override;
  void write(const Failure& failure) override;

 private:
  std::ostream& out_;
};

}  // namespace pressarchive
