// What the Tesseract module tells leptonica_overrides.cpp: when a thread is inside
// Tesseract's recognition of a page. Only then does pixWriteMem write PNG requests in
// Leptonica's serialised form (Tesseract's line images, decoded again at once and never
// kept); every other caller, on any thread, gets Leptonica's real PNG.
#pragma once

// Sets whether this thread is inside Tesseract's recognition; returns what it was.
// Defined in leptonica_overrides.cpp, in the program, which exports it to the module.
extern "C" bool pressarchive_set_tesseract_recognising(bool recognising);

namespace pressarchive {

// Marks this thread as inside Tesseract's recognition while it lives. Nests.
class TesseractRecognitionScope {
 public:
  TesseractRecognitionScope() : previous_(pressarchive_set_tesseract_recognising(true)) {}
  ~TesseractRecognitionScope() { pressarchive_set_tesseract_recognising(previous_); }
  TesseractRecognitionScope(const TesseractRecognitionScope&) = delete;
  TesseractRecognitionScope& operator=(const TesseractRecognitionScope&) = delete;

 private:
  bool previous_;
};

}  // namespace pressarchive
