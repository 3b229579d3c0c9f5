// Quickstart printed the model's summary and an accuracy (it throws below 0.9).
def log = new File(basedir, 'build.log').text
assert log =~ /accuracy 0\.9\d\d|accuracy 1\.000/ : "Quickstart printed no accuracy"
true
