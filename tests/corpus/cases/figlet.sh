# figlet drawing a banner with a font from its font directory (a compiled-in data path).
packages=(figlet)
programs=(figlet)
command=(figlet -f slant "corpus")
