// The quick start generated CircleStep, wrote its initial weights and trained it.
def log = new File(basedir, 'build.log').text
assert new File(basedir, 'app/target/generated-sources/cortado/com/example/app/generated/CircleStep.java').isFile()
assert new File(basedir, 'app/target/classes/com/example/app/generated/CircleStep.safetensors').isFile()
assert log =~ /correct (2[89]|3[012]) of 32/ : "Main printed no result"
true
