# ImageMagick's coder modules (plugins): a GIF read, resized and rotated, written as PAM (raw
# pixels, compared byte for byte). The GIF is made at setup by the host's convert.
packages=(imagemagick)
programs=(convert)
command=(convert /var/task/in.gif -resize 200% -rotate 90 pam:-)
setup() { convert -size 16x8 gradient:red-blue "$task/in.gif"; }
