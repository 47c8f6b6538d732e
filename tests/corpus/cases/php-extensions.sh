# php's command line with the extensions Debian ships as modules enabled by
# /etc/php/*/cli/conf.d (ctype, iconv, tokenizer, calendar, exif...) and its built-ins (json,
# pcre, date in UTC). Nothing normalized.
packages=(php-cli)
programs=(php)
command=(php /var/task/work.php)
setup() {
  cat > "$task/work.php" <<'PHP'
<?php
echo json_encode(["b" => [1, 2.5, null], "a" => "é"], JSON_UNESCAPED_UNICODE), "\n";
echo preg_replace('/(\w+) (\w+)/', '$2 $1', "hello world"), "\n";
echo ctype_digit("12345") ? "digits" : "no", " ", bin2hex(iconv("UTF-8", "ISO-8859-1", "grüße")), "\n";
echo count(token_get_all('<?php echo 1 + 2;')), " ", cal_days_in_month(CAL_GREGORIAN, 2, 2024), "\n";
echo gmdate("Y-m-d H:i:s", 1700000000), " ", sha1("corpus"), "\n";
echo implode(",", get_loaded_extensions()), "\n";
PHP
}
