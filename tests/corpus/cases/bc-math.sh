# bc with its math library (-l): sine, arctangent, e, and a recursive function.
packages=(bc)
programs=(bc)
command=(bc -l /var/task/calc.bc)
setup() {
  printf 'scale=30\ns(1)\n4*a(1)\ne(1)\ndefine f(n) { if (n < 2) return n; return f(n-1) + f(n-2); }\nf(20)\nsqrt(2)\nquit\n' > "$task/calc.bc"
}
