# ruby with its standard library: json, digest, set, bigdecimal, zlib, csv, time, erb.
packages=(ruby)
programs=(ruby)
command=(ruby /var/task/work.rb)
setup() {
  cat > "$task/work.rb" <<'RB'
require "json"; require "digest"; require "set"; require "bigdecimal"; require "zlib"; require "csv"
require "time"; require "erb"
puts JSON.generate({ "b" => [1, 2.5, nil], "a" => "é" })
puts Digest::SHA256.hexdigest("corpus"), Digest::MD5.hexdigest("corpus")
puts Set.new([3, 1, 3, 2]).sort.inspect, (BigDecimal("1") / 7).round(20).to_s
puts Zlib.crc32("corpus"), CSV.generate_line(["a", "b,c", 'd"e'])
puts Time.utc(2024, 2, 29, 12, 30).strftime("%A %d %B %Y %H:%M"), Time.iso8601("2024-01-01T00:00:00Z").to_i
puts ERB.new("<%= [1, 2, 3].map { |x| x * x }.join(',') %>").result
puts "Straße".upcase, "naïve".encode("ISO-8859-1").bytes.inspect
RB
}
