# ImageMagick's identify on PNG, GIF, JPEG and TIFF files (a coder module for each).
packages=(imagemagick)
programs=(identify)
command=(identify -format "%m %w %h %z %k\n" /var/task/in.png /var/task/in.gif /var/task/in.jpg /var/task/in.tif)
setup() { for e in png gif jpg tif; do convert -size 20x10 plasma:fractal -seed 1 "$task/in.$e"; done; convert -size 20x10 gradient:red-blue "$task/in.png"; }
