# coreutils sort ordering words by the collation of Lambda's LANG (en_US.UTF-8 differs from C:
# case and accents).
packages=(coreutils)
programs=(sort)
command=(sort /var/task/words.txt)
setup() { printf 'banana\nApple\nécole\napple\nZebra\n_under\nbanana2\nÉté\n' > "$task/words.txt"; }
