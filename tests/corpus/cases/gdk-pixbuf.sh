# gdk-pixbuf's thumbnailer reading a TIFF through its loader module (a plugin listed in
# loaders.cache) and writing a PNG thumbnail under /tmp, compared as decoded pixels.
packages=(libgdk-pixbuf2.0-bin imagemagick)
programs=(gdk-pixbuf-thumbnailer)
command=(gdk-pixbuf-thumbnailer -s 16 /var/task/in.tif /tmp/thumb.png)
files=(/tmp/thumb.png)
filter_file() { pixels < "$1"; }
setup() { convert -size 32x32 gradient:red-blue "$task/in.tif"; }
