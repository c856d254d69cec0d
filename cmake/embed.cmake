# Turns a text file into a comma-separated byte list (NUL-terminated) that a .cpp file
# includes inside an array initialiser, so config/ defaults are compiled into the binary.
# Usage: cmake -DINPUT=in -DOUTPUT=out -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "${bytes}0x00\n")
