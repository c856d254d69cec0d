#include "stages/export/xml_writer.h"

#include <libxml/xmlwriter.h>
#include <unicode/utf8.h>

#include <stdexcept>

#include "stages/core/text_util.h"

namespace pressarchive {
namespace {

bool allowed_in_xml(UChar32 c) {
  if (c < 0x20) return c == 0x09 || c == 0x0A || c == 0x0D;
  return c != 0xFFFE && c != 0xFFFF;
}

const xmlChar* x(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }

}  // namespace

std::string xml_text(std::string_view s) {
  const std::string valid = valid_utf8(s);
  std::string out;
  out.reserve(valid.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(valid.data());
  const auto length = static_cast<int32_t>(valid.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && allowed_in_xml(c))
      out.append(valid, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
  }
  return out;
}

struct XmlWriter::Impl {
  xmlBufferPtr buffer = nullptr;
  xmlTextWriterPtr writer = nullptr;
  bool finished = false;
};

XmlWriter::XmlWriter() : impl_(std::make_unique<Impl>()) {
  impl_->buffer = xmlBufferCreate();
  impl_->writer = impl_->buffer ? xmlNewTextWriterMemory(impl_->buffer, 0) : nullptr;
  if (!impl_->writer) throw std::bad_alloc();
  xmlTextWriterSetIndent(impl_->writer, 1);
  xmlTextWriterSetIndentString(impl_->writer, reinterpret_cast<const xmlChar*>("  "));
  xmlTextWriterStartDocument(impl_->writer, "1.0", "UTF-8", nullptr);
}

XmlWriter::~XmlWriter() {
  if (impl_->writer) xmlFreeTextWriter(impl_->writer);
  if (impl_->buffer) xmlBufferFree(impl_->buffer);
}

XmlWriter& XmlWriter::open(std::string_view qname) {
  xmlTextWriterStartElement(impl_->writer, x(std::string(qname)));
  return *this;
}

XmlWriter& XmlWriter::attribute(std::string_view qname, std::string_view value) {
  xmlTextWriterWriteAttribute(impl_->writer, x(std::string(qname)), x(xml_text(value)));
  return *this;
}

XmlWriter& XmlWriter::optional_attribute(std::string_view qname, std::string_view value) {
  return value.empty() ? *this : attribute(qname, value);
}

XmlWriter& XmlWriter::text(std::string_view value) {
  xmlTextWriterWriteString(impl_->writer, x(xml_text(value)));
  return *this;
}

XmlWriter& XmlWriter::close() {
  xmlTextWriterEndElement(impl_->writer);
  return *this;
}

XmlWriter& XmlWriter::element(std::string_view qname, std::string_view value) {
  return open(qname).text(value).close();
}

std::string XmlWriter::finish() {
  if (!impl_->finished) {
    xmlTextWriterEndDocument(impl_->writer);
    xmlTextWriterFlush(impl_->writer);
    impl_->finished = true;
  }
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(impl_->buffer)),
                     static_cast<std::size_t>(xmlBufferLength(impl_->buffer)));
}

}  // namespace pressarchive
