# ImageMagick drawing text with a font found by name (DejaVu-Sans, through its type maps and
# fontconfig), written as PPM (raw pixels: compared byte for byte).
packages=(imagemagick fonts-dejavu-core)
programs=(convert)
command=(convert -font DejaVu-Sans -pointsize 24 label:Hello ppm:-)
