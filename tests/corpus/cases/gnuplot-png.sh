# gnuplot drawing a function with its cairo terminal (fonts through pango and fontconfig), the
# PNG on stdout compared as decoded pixels; gnuplot reads its gnuplotrc from its data directory.
packages=(gnuplot-nox fonts-dejavu-core imagemagick)
programs=(gnuplot)
command=(gnuplot /var/task/plot.gp)
filter() { pixels; }
setup() { printf 'set terminal pngcairo size 240,160 font "DejaVu Sans,9"\nset title "sin(x)"\nplot sin(x) title "sin"\n' > "$task/plot.gp"; }
