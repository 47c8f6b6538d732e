# Runs a Homebrew formula's install and test blocks without Homebrew, for the suite: a stand-in
# for the few parts of the Formula DSL that packaging/homebrew/elfpack.rb uses, plus the checks
# of `brew audit` that apply to it. The tarball must match the formula's sha256.
#   ruby formula_runner.rb FORMULA TARBALL SOURCE_DIR PREFIX TESTPATH
require "digest"
require "open3"
require "pathname"

class Formula
  class << self
    attr_reader :desc_text, :url_text, :sha256_text, :dependencies, :test_block

    def desc(text) = @desc_text = text
    def homepage(_text) = nil
    def url(text) = @url_text = text
    def sha256(text) = @sha256_text = text
    def depends_on(dependency) = (@dependencies ||= []) << dependency
    def test(&block) = @test_block = block
  end

  attr_reader :prefix, :testpath

  def initialize(prefix, testpath)
    @prefix = Pathname(prefix)
    @testpath = Pathname(testpath)
  end

  def bin = prefix/"bin"
  def version = self.class.url_text[/-(\d+(?:\.\d+)+)\.tar/, 1]
  def std_cmake_args = ["-DCMAKE_INSTALL_PREFIX=#{prefix}", "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=OFF"]

  def system(*args)
    Kernel.system(*args.map(&:to_s)) || raise("failed: #{args.join(" ")}")
  end

  def shell_output(command)
    out, status = Open3.capture2(command)
    raise "failed (#{status.exitstatus}): #{command}" unless status.success?

    out
  end

  def assert_predicate(object, predicate) = object.send(predicate) || raise("#{object} is not #{predicate}")

  def assert_match(pattern, text)
    pattern = Regexp.new(Regexp.escape(pattern)) if pattern.is_a?(String)
    text.match?(pattern) || raise("#{pattern.inspect} not in #{text.inspect}")
  end
end
ENV.define_singleton_method(:cc) { "cc" }

formula_file, tarball, source_dir, prefix, testpath = ARGV
load formula_file
klass = Formula.subclasses.first
desc = klass.desc_text
raise "desc: #{desc.inspect} (under 80 characters, no article first, no final period)" \
  if desc.length >= 80 || desc.start_with?("A ", "An ", "The ") || desc.end_with?(".")
raise "url #{klass.url_text} is not the tarball #{File.basename(tarball)}" unless klass.url_text.end_with?(File.basename(tarball))
actual = Digest::SHA256.file(tarball).hexdigest
raise "sha256 #{klass.sha256_text} is not the tarball's #{actual}" unless klass.sha256_text == actual
raise "no `depends_on :linux`" unless klass.dependencies.include?(:linux)

formula = klass.new(prefix, testpath)
Dir.chdir(source_dir) { formula.install }
Dir.chdir(testpath) { formula.instance_eval(&klass.test_block) }
puts "formula #{klass.name} #{formula.version}: installed into #{prefix} and its test passed"
