// The consumer built and tested the generated classes; a rebuild found them up to date.
def log = new File(basedir, 'build.log').text
def generated = new File(basedir, 'app/target/generated-sources/cortado/com/example/app/generated')
assert new File(generated, 'HousePricesStep.java').isFile()
assert new File(generated, 'HousePricesOne.java').isFile()
assert new File(generated, 'TinyCnnStep.java').isFile()
assert new File(basedir, 'app/target/generated-sources/cortado/com/example/models/SpeciesExecutable.java').isFile()
assert new File(basedir, 'app/target/classes/com/example/app/generated/HousePricesStep.safetensors').isFile()
def reports = new File(basedir, 'app/target/surefire-reports')
['GeneratedMatchesCompiledTest', 'RuntimeOnlyJvmTest'].each { t ->
  def report = new File(reports, 'TEST-com.example.app.' + t + '.xml')
  assert report.isFile() : t + " did not run"
  def text = report.text
  boolean passed = text.contains('failures="0"') && text.contains('errors="0"') && !text.contains('tests="0"')
  assert passed : t + " failed, see " + report
}
assert log.contains('Cortado models are up to date (4 definitions, checked in ') : "the second build regenerated"
true
