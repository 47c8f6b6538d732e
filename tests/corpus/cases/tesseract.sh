# tesseract recognizing text in an image made at setup (DejaVu Sans, by the host's convert),
# with its English language data (a compiled-in data path).
packages=(tesseract-ocr tesseract-ocr-eng imagemagick fonts-dejavu-core)
programs=(tesseract)
command=(tesseract /var/task/text.png stdout)
setup() { convert -font DejaVu-Sans -pointsize 48 -background white -fill black label:"HELLO CORPUS 42" -bordercolor white -border 20 "$task/text.png"; }
