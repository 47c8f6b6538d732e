# hunspell listing the misspelled words of a text with the en_US dictionary (found on its
# dictionary search path).
packages=(hunspell hunspell-en-us)
programs=(hunspell)
command=(hunspell -d en_US -l /var/task/text.txt)
setup() { printf 'This sentense has a fiew mistakes in it.\nThe corpus is helpfull.\n' > "$task/text.txt"; }
