// A small streaming XML writer over libxml2's xmlTextWriter, for the export formats.
// Every text and attribute value goes through xml_text() first: titles and OCR words
// are hostile input, and XML 1.0 has no way to carry a NUL, most control characters or
// bytes that are not UTF-8.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace pressarchive {

// `s` as text XML 1.0 can carry: bytes that are not UTF-8 become U+FFFD, characters XML
// forbids (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF) are dropped.
std::string xml_text(std::string_view s);

// Writes one document into memory, indented. Not thread-safe.
class XmlWriter {
 public:
  XmlWriter();
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  // `qname` may carry a prefix ("mets:file"); namespaces are declared as attributes.
  XmlWriter& open(std::string_view qname);
  XmlWriter& attribute(std::string_view qname, std::string_view value);
  // An attribute only when `value` is not empty.
  XmlWriter& optional_attribute(std::string_view qname, std::string_view value);
  XmlWriter& text(std::string_view value);
  XmlWriter& close();
  // <qname>value</qname>
  XmlWriter& element(std::string_view qname, std::string_view value);
  // The finished document (all open elements closed), UTF-8 with an XML declaration.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pressarchive
