// Each bad module failed with a message naming its class; the models module built.
def log = new File(basedir, 'build.log').text
def expect = { String s -> assert log.contains(s) : "build.log lacks: " + s }
expect("model definition class 'com.example.bad.Missing' was not found")
expect("model definition class 'com.example.bad.NotAModel' does not extend dev.cortado.dsl.ModelDefinition")
expect("model definition class 'com.example.bad.Throws' failed in define()")
assert new File(basedir, 'models/target/bad-models-1.0.jar').isFile()
['missing-class', 'not-a-definition', 'define-throws'].each {
  assert !new File(basedir, it + '/target/generated-sources/cortado').exists() : it + " generated something"
}
true
