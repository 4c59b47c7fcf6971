"""TF 1.13-1.15's namespaces under ``import slimcore.compat.v1 as tf``: tf.compat.v1,
tf.math, tf.random, tf.__version__, tf.ConfigProto / GPUOptions / device (the
session's thread count), tf.gfile and tf.io.gfile against os on tmp_path,
tf.app.flags / tf.app.run with given argv lists, tf.logging through caplog."""

import logging
import os
import sys

import numpy as np
import pytest

import slimcore
import slimcore.compat.v1 as tf
from slimcore import _core

# ---- tf.compat.v1, tf.math, tf.random, versions --------------------------------------


def test_compat_v1_is_the_namespace_itself():
    assert tf.compat.v1 is tf
    assert tf.compat.v1.placeholder is tf.placeholder and tf.compat.v1.Session is tf.Session
    assert tf.compat.v1.compat.v1 is tf
    import slimcore.compat.v1.compat as compat_module

    assert compat_module is tf.compat
    x = tf.compat.v1.placeholder(tf.compat.v1.float32, [None, 2])
    with tf.compat.v1.Session() as sess:
        np.testing.assert_allclose(sess.run(tf.compat.v1.reduce_sum(x), {x: [[1, 2], [3, 4]]}), 10.0)


def test_compat_string_helpers():
    assert tf.compat.as_bytes("é") == "é".encode() and tf.compat.as_bytes(bytearray(b"a")) == b"a"
    assert tf.compat.as_text(b"\xc3\xa9") == "é" and tf.compat.as_str("x") == "x"
    assert tf.compat.as_str_any(3) == "3" and tf.compat.as_str_any(b"ab") == "ab"
    with pytest.raises(TypeError, match="binary or unicode"):
        tf.compat.as_bytes(3)


def test_math_names_are_the_same_objects_as_tf1_older_names():
    for name in ["add", "multiply", "subtract", "divide", "reduce_sum", "reduce_mean", "log", "exp", "sqrt"]:
        assert getattr(tf.math, name) is getattr(tf, name), name
    for name in ["square", "abs", "maximum", "minimum", "sigmoid", "tanh", "equal", "less", "add_n", "argmax"]:
        assert getattr(tf.math, name) is getattr(tf, name), name
    assert tf.math.divide_no_nan is tf.div_no_nan
    assert tf.math.softmax is tf.nn.softmax and tf.math.log_softmax is tf.nn.log_softmax
    # Every exported name resolves to its TF1 alias in this namespace.
    from slimcore.compat.v1.math import _TF1_NAMES

    for name in tf.math.__all__:
        target = tf
        for part in _TF1_NAMES[name].split("."):
            target = getattr(target, part)
        assert getattr(tf.math, name) is target, name
    assert set(tf.math.__all__) >= {"add", "multiply", "reduce_sum", "log", "exp", "sqrt", "square", "sigmoid"}


def test_math_ops_compute():
    x = tf.constant([1.0, 4.0, 9.0])
    with tf.Session() as sess:
        got = sess.run([tf.math.sqrt(x), tf.math.reduce_sum(tf.math.multiply(x, 2.0)), tf.math.maximum(x, 5.0)])
    np.testing.assert_allclose(got[0], [1, 2, 3])
    np.testing.assert_allclose(got[1], 28.0)
    np.testing.assert_allclose(got[2], [5, 5, 9])


def test_missing_tf1_math_name_says_so():
    from slimcore.compat.v1.math import _TF1_NAMES

    missing = sorted(set(_TF1_NAMES) - set(tf.math.__all__))
    if missing:
        with pytest.raises(AttributeError, match=f"tf.math.{missing[0]} is a TensorFlow 1 name"):
            getattr(tf.math, missing[0])
    with pytest.raises(AttributeError, match="has no attribute 'no_such_op'"):
        tf.math.no_such_op  # noqa: B018


def test_random_names_and_seeding_match_the_old_names():
    assert tf.random.normal is tf.random_normal and tf.random.uniform is tf.random_uniform
    assert tf.random.truncated_normal is tf.truncated_normal
    assert tf.random.set_random_seed is tf.set_random_seed
    tf.random.set_random_seed(3)
    a = tf.random.normal([4], mean=1.0, stddev=2.0, seed=7)
    with tf.Session() as sess:
        first = sess.run(a)
    tf.reset_default_graph()
    tf.set_random_seed(3)
    b = tf.random_normal([4], mean=1.0, stddev=2.0, seed=7)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(b), first)
    u = tf.random.uniform([1000], minval=-1.0, maxval=1.0, seed=1)
    with tf.Session() as sess:
        values = sess.run(u)
    assert values.min() >= -1.0 and values.max() < 1.0


def test_version_is_a_tf1_version_that_parses():
    assert tf.__version__ == "1.15.0+slimcore" and tf.__version__ == tf.VERSION
    assert tf.__version__.split(".")[:2] == ["1", "15"]
    packaging_version = pytest.importorskip("packaging.version")
    v = packaging_version.parse(tf.__version__)
    assert v.major == 1 and packaging_version.parse("1.13") < v < packaging_version.parse("2.0")
    assert slimcore.__version__ != tf.__version__  # slimcore's own version is its own


# ---- ConfigProto, GPUOptions, device, Session(config=) -------------------------------


def test_config_proto_fields_defaults_and_errors():
    config = tf.ConfigProto()
    assert config.intra_op_parallelism_threads == 0 and config.inter_op_parallelism_threads == 0
    assert config.allow_soft_placement is False and config.log_device_placement is False
    assert config.device_count == {} and config.gpu_options == tf.GPUOptions()
    config.gpu_options.allow_growth = True  # the everyday idiom mutates the nested message
    assert config.gpu_options.allow_growth is True
    config = tf.ConfigProto(
        intra_op_parallelism_threads=np.int64(2),
        inter_op_parallelism_threads=4,
        allow_soft_placement=True,
        log_device_placement=False,
        gpu_options=tf.GPUOptions(per_process_gpu_memory_fraction=0.5, visible_device_list="0"),
        device_count={"GPU": 0, "CPU": 1},
    )
    assert config.intra_op_parallelism_threads == 2 and type(config.intra_op_parallelism_threads) is int
    assert config.gpu_options.per_process_gpu_memory_fraction == 0.5
    assert "intra_op_parallelism_threads=2" in repr(config) and "allow_growth" not in repr(config)
    with pytest.raises(ValueError, match='no "intra_op_threads" field'):
        tf.ConfigProto(intra_op_threads=1)
    with pytest.raises(AttributeError, match="no field 'allow_growth'"):
        config.allow_growth = True
    with pytest.raises(TypeError, match="intra_op_parallelism_threads must be int"):
        tf.ConfigProto(intra_op_parallelism_threads=1.5)
    with pytest.raises(TypeError, match="allow_growth must be bool"):
        tf.GPUOptions(allow_growth="yes")
    with pytest.raises(ValueError, match="intra_op_parallelism_threads must be >= 0"):
        tf.ConfigProto(intra_op_parallelism_threads=-1)
    with pytest.raises(TypeError, match="device_count maps"):
        tf.ConfigProto(device_count={"GPU": "none"})


@pytest.fixture
def two_threads():
    """The process-wide thread count set to 2 for the test, then restored."""
    before = slimcore.get_num_threads()
    slimcore.set_num_threads(2)
    yield
    slimcore.set_num_threads(before)


class _Recorder:
    """Wraps a session's engine: records the engine's thread count at each run, then runs."""

    def __init__(self, engine):
        self.engine = engine
        self.seen = []

    def run(self, *args):
        self.seen.append(_core.get_num_threads())
        return self.engine.run(*args)


def _recorded(session):
    recorder = _Recorder(session._c)
    session._c = recorder
    return recorder


def test_session_runs_with_the_configured_threads_and_restores(two_threads):
    x = tf.placeholder(tf.float32, [3])
    y = tf.reduce_sum(x * 2.0)
    sess = tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1))
    recorder = _recorded(sess)
    assert sess.run(y, {x: [1, 2, 3]}) == 12.0
    assert recorder.seen == [1] and slimcore.get_num_threads() == 2
    with pytest.raises(tf.errors.InvalidArgumentError):  # a failing run restores too
        sess.run(y)
    assert recorder.seen == [1, 1] and slimcore.get_num_threads() == 2
    sess.close()

    three = tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=3))
    recorder = _recorded(three)
    three.run(y, {x: [0, 0, 0]})
    assert recorder.seen == [3] and slimcore.get_num_threads() == 2


@pytest.mark.parametrize("config", [None, tf.ConfigProto(), tf.ConfigProto(inter_op_parallelism_threads=1)])
def test_session_without_intra_op_threads_uses_the_process_setting(two_threads, config):
    sess = tf.Session(config=config)
    recorder = _recorded(sess)
    sess.run(tf.constant(1.0))
    assert recorder.seen == [2] and slimcore.get_num_threads() == 2


def test_session_thread_count_above_the_limit_is_capped_with_a_warning(two_threads):
    limit = slimcore.max_num_threads()
    with pytest.warns(UserWarning, match=f"above slimcore's limit of {limit}"):
        sess = tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=limit + 1))
    recorder = _recorded(sess)
    sess.run(tf.constant(1.0))
    assert recorder.seen == [limit] and slimcore.get_num_threads() == 2


def test_session_config_must_be_a_config_proto():
    with pytest.raises(TypeError, match=r"config must be a tf\.ConfigProto"):
        tf.Session(config={"intra_op_parallelism_threads": 1})
    assert slimcore.ConfigProto is tf.ConfigProto and slimcore.Session is tf.Session


def test_device_is_a_no_op_context():
    with tf.device("/gpu:0"):
        a = tf.constant(2.0) * 3.0
    with tf.device(None), tf.device(lambda op: "/cpu:0"):
        b = a + 1.0
    with tf.Session() as sess:
        assert sess.run(b) == 7.0
    with pytest.raises(TypeError, match="device string"):
        tf.device(3)


# ---- tf.gfile / tf.io.gfile ----------------------------------------------------------


def test_gfile_is_io_gfile_under_tf1_names():
    pairs = {
        "Exists": "exists",
        "IsDirectory": "isdir",
        "MakeDirs": "makedirs",
        "MkDir": "mkdir",
        "Glob": "glob",
        "ListDirectory": "listdir",
        "Remove": "remove",
        "DeleteRecursively": "rmtree",
        "Copy": "copy",
        "Rename": "rename",
        "Stat": "stat",
    }
    for old, new in pairs.items():
        assert getattr(tf.gfile, old) is getattr(tf.io.gfile, new), old
    assert tf.gfile.GFile is tf.io.gfile.GFile and tf.gfile.Open is tf.gfile.GFile
    import slimcore.compat.v1.io.gfile as io_gfile

    assert io_gfile is tf.io.gfile


def test_gfile_directories_against_os(tmp_path):
    root = str(tmp_path / "a")
    assert not tf.gfile.Exists(root) and not tf.gfile.IsDirectory(root)
    tf.gfile.MakeDirs(os.path.join(root, "b", "c"))
    tf.gfile.MakeDirs(os.path.join(root, "b"))  # exists already: fine
    assert os.path.isdir(os.path.join(root, "b", "c")) and tf.gfile.IsDirectory(root)
    tf.gfile.MkDir(os.path.join(root, "d"))
    with pytest.raises(tf.errors.AlreadyExistsError, match="d"):
        tf.gfile.MkDir(os.path.join(root, "d"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.MkDir(os.path.join(root, "missing", "e"))
    assert sorted(tf.gfile.ListDirectory(root)) == sorted(os.listdir(root)) == ["b", "d"]
    with pytest.raises(tf.errors.NotFoundError, match="Could not find directory"):
        tf.gfile.ListDirectory(os.path.join(root, "nope"))
    walked = list(tf.gfile.Walk(root))
    assert walked == list(os.walk(root)) and walked[0][0] == root
    assert tf.gfile.Stat(root).is_directory
    tf.gfile.DeleteRecursively(root)
    assert not os.path.exists(root)
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.DeleteRecursively(root)


def test_gfile_files_text_and_binary(tmp_path):
    path = str(tmp_path / "labels.txt")
    with tf.gfile.GFile(path, "w") as f:
        f.write("cat\r\n")
        f.write(b"dog\n")  # TF1 writes bytes in text mode too
    with open(path, "rb") as f:
        assert f.read() == b"cat\r\ndog\n"  # no newline translation, as TF1
    with tf.gfile.GFile(path) as f:
        assert f.size() == 9 and f.read() == "cat\r\ndog\n"
    with tf.io.gfile.GFile(path, "r") as f:
        assert list(f) == ["cat\r\n", "dog\n"]
    with tf.gfile.GFile(path, "a") as f:
        f.write("é")
    with tf.gfile.GFile(path, "rb") as f:
        assert f.read(3) == b"cat"
        f.seek(2, 1)
        assert f.tell() == 5 and f.readline() == b"dog\n"
        f.seek(position=0)
        assert f.read() == "cat\r\ndog\né".encode()
    with tf.gfile.Open(str(tmp_path / "w.bin"), "wb") as f:
        f.write("text")  # str in binary mode: UTF-8, as TF1
        f.write(np.arange(2, dtype=np.uint8).tobytes())
    assert (tmp_path / "w.bin").read_bytes() == b"text\x00\x01"
    assert tf.gfile.Stat(path).length == os.path.getsize(path) == 11 and not tf.gfile.Stat(path).is_directory
    assert tf.gfile.Exists(path) and tf.gfile.Exists(tmp_path / "w.bin")  # os.PathLike too
    with pytest.raises(ValueError, match="mode must be one of"):
        tf.gfile.GFile(path, "rw")


def test_gfile_missing_files_raise_not_found(tmp_path):
    missing = str(tmp_path / "missing.txt")
    for call in (
        lambda: tf.gfile.GFile(missing).read(),
        lambda: tf.gfile.Remove(missing),
        lambda: tf.gfile.Stat(missing),
        lambda: tf.gfile.Copy(missing, str(tmp_path / "x")),
        lambda: tf.gfile.Rename(missing, str(tmp_path / "x")),
    ):
        with pytest.raises(tf.errors.NotFoundError, match=r"missing\.txt"):
            call()
    with pytest.raises(tf.errors.NotFoundError, match="No such file"):  # `except tf.errors.NotFoundError`
        tf.gfile.GFile(missing)
    with pytest.raises(tf.errors.FailedPreconditionError):
        tf.gfile.Remove(str(tmp_path))  # a directory
    with pytest.raises(tf.errors.FailedPreconditionError):
        tf.gfile.GFile(str(tmp_path))


def test_gfile_glob_copy_rename_remove(tmp_path):
    for name in ["b.ckpt", "a.ckpt", "c.txt"]:
        (tmp_path / name).write_text(name)
    expected = sorted(str(p) for p in tmp_path.glob("*.ckpt"))
    assert tf.gfile.Glob(str(tmp_path / "*.ckpt")) == expected
    assert tf.io.gfile.glob([str(tmp_path / "*.txt"), str(tmp_path / "a.*")]) == sorted(
        [str(tmp_path / "a.ckpt"), str(tmp_path / "c.txt")]
    )
    assert tf.gfile.Glob(str(tmp_path / "nodir" / "*")) == []
    tf.gfile.Copy(str(tmp_path / "a.ckpt"), str(tmp_path / "d.ckpt"))
    assert (tmp_path / "d.ckpt").read_text() == "a.ckpt"
    with pytest.raises(tf.errors.AlreadyExistsError, match="overwrite=True"):
        tf.gfile.Copy(str(tmp_path / "b.ckpt"), str(tmp_path / "d.ckpt"))
    tf.gfile.Copy(str(tmp_path / "b.ckpt"), str(tmp_path / "d.ckpt"), overwrite=True)
    assert (tmp_path / "d.ckpt").read_text() == "b.ckpt"
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Rename(str(tmp_path / "c.txt"), str(tmp_path / "d.ckpt"))
    tf.gfile.Rename(str(tmp_path / "c.txt"), str(tmp_path / "d.ckpt"), overwrite=True)
    assert not (tmp_path / "c.txt").exists() and (tmp_path / "d.ckpt").read_text() == "c.txt"
    tf.gfile.Remove(str(tmp_path / "d.ckpt"))
    assert not (tmp_path / "d.ckpt").exists()
    tf.gfile.DeleteRecursively(str(tmp_path / "a.ckpt"))  # a file, as TF1
    assert not (tmp_path / "a.ckpt").exists()
    assert tf.gfile.Exists("file://" + str(tmp_path / "b.ckpt"))  # file:// is local


@pytest.mark.parametrize("url", ["gs://bucket/model", "s3://b/k", "hdfs://namenode/x"])
def test_gfile_remote_urls_are_unimplemented(url):
    for call in (tf.gfile.Exists, tf.gfile.MakeDirs, tf.gfile.Glob, tf.gfile.GFile, tf.io.gfile.listdir):
        with pytest.raises(tf.errors.UnimplementedError, match="local paths only") as info:
            call(url)
        assert url.split(":")[0] in str(info.value)
    assert issubclass(tf.errors.UnimplementedError, tf.errors.OpError)
    assert issubclass(tf.errors.UnimplementedError, NotImplementedError)
    e = tf.errors.UnimplementedError(None, None, "msg")  # TF1's constructor
    assert e.message == "msg" and e.op is None and str(e) == "msg"


# ---- tf.app.flags / tf.flags, tf.app.run, tf.logging ---------------------------------

flags = tf.app.flags
flags.DEFINE_string("tf1ns_name", "model", "a string flag")
flags.DEFINE_integer("tf1ns_batch", 32, "an integer flag")
flags.DEFINE_float("tf1ns_lr", 0.1, "a float flag")
flags.DEFINE_boolean("tf1ns_fake", False, "a boolean flag")
flags.DEFINE_bool("tf1ns_eval", True, "DEFINE_bool is DEFINE_boolean")
flags.DEFINE_list("tf1ns_layers", ["a", "b"], "a list flag")
flags.DEFINE_enum("tf1ns_opt", "sgd", ["sgd", "adam"], "an enum flag")
FLAGS = flags.FLAGS


@pytest.fixture
def unparsed_flags():
    """FLAGS back to unparsed (defaults) after the test, and the root logger as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    FLAGS.unparse_flags()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_flags_are_absl_flags_parsed_from_argv(unparsed_flags):
    from absl import flags as absl_flags

    assert tf.flags is tf.app.flags and FLAGS.__dict__["_wrapped"] is absl_flags.FLAGS
    left = FLAGS(
        [
            "prog",
            "--tf1ns_name=resnet",
            "--tf1ns_batch",
            "64",
            "--tf1ns_lr=0.5",
            "--tf1ns_fake",
            "--notf1ns_eval",
            "--tf1ns_layers=x,y,z",
            "--tf1ns_opt=adam",
            "file.txt",
        ]
    )
    assert left == ["prog", "file.txt"]
    assert (FLAGS.tf1ns_name, FLAGS.tf1ns_batch, FLAGS.tf1ns_lr) == ("resnet", 64, 0.5)
    assert FLAGS.tf1ns_fake is True and FLAGS.tf1ns_eval is False
    assert FLAGS.tf1ns_layers == ["x", "y", "z"] and FLAGS.tf1ns_opt == "adam"
    assert FLAGS["tf1ns_batch"].default == 32 and "tf1ns_batch" in list(FLAGS)
    FLAGS.tf1ns_batch = 8  # assignment as TF1 programs do in tests
    assert FLAGS.tf1ns_batch == 8
    with pytest.raises(flags.IllegalFlagValueError):
        FLAGS(["prog", "--tf1ns_opt=rmsprop"])
    with pytest.raises(flags.UnrecognizedFlagError):
        FLAGS(["prog", "--tf1ns_unknown=1"])


def test_reading_an_unparsed_flag_parses_sys_argv_as_tf1(unparsed_flags, monkeypatch):
    FLAGS.unparse_flags()
    assert not FLAGS.is_parsed()  # FlagValues' own methods do not parse
    monkeypatch.setattr("sys.argv", ["prog", "--tf1ns_batch=7"])
    assert FLAGS.tf1ns_batch == 7 and FLAGS.is_parsed()


def test_define_accepts_tf1_old_keyword_names(unparsed_flags):
    with pytest.warns(DeprecationWarning, match="flag_name, default_value, docstring"):
        flags.DEFINE_integer(flag_name="tf1ns_old", default_value=3, docstring="old names")
    FLAGS(["prog"])
    assert FLAGS.tf1ns_old == 3 and FLAGS["tf1ns_old"].help == "old names"


def test_app_run_parses_flags_calls_main_and_exits_with_its_value(unparsed_flags):
    seen = []

    def main(argv):
        seen.append((list(argv), FLAGS.tf1ns_batch, FLAGS.tf1ns_name))
        return 3

    with pytest.raises(SystemExit) as info:
        tf.app.run(main=main, argv=["prog", "--tf1ns_batch=64", "extra", "--tf1ns_undefined=1"])
    assert info.value.code == 3
    # Flags it does not know stay in argv for main, as TF1's run (known_only parsing).
    assert seen == [(["prog", "extra", "--tf1ns_undefined=1"], 64, "model")]


def test_app_run_default_main_and_sys_argv(unparsed_flags, monkeypatch):
    import types

    called = []
    fake_main = types.ModuleType("__main__")
    fake_main.main = lambda argv: called.append(argv)  # returns None: exit status 0
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    monkeypatch.setattr("sys.argv", ["train.py", "--tf1ns_lr=0.25"])
    with pytest.raises(SystemExit) as info:
        tf.app.run()
    assert info.value.code is None and called == [["train.py"]] and FLAGS.tf1ns_lr == 0.25


def test_app_run_bad_flag_value_raises_as_tf1(unparsed_flags):
    # TF1's parser (unlike absl's default one) lets the flag error through, unparsed.
    with pytest.raises(flags.IllegalFlagValueError, match="tf1ns_batch=many"):
        tf.app.run(main=lambda argv: 0, argv=["prog", "--tf1ns_batch=many"])


@pytest.fixture
def tf_logger_level():
    logger = logging.getLogger("tensorflow")
    level = logger.level
    yield logger
    logger.setLevel(level)


def test_logging_levels_and_verbosity(tf_logger_level, caplog):
    assert (tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN, tf.logging.ERROR, tf.logging.FATAL) == (
        10,
        20,
        30,
        40,
        50,
    )
    assert tf.get_logger() is tf.logging.get_logger() is tf_logger_level
    caplog.set_level(logging.DEBUG, logger="")  # the root lets everything through
    tf_logger_level.setLevel(logging.NOTSET)
    tf.logging.set_verbosity(tf.logging.WARN)
    tf.logging.info("hidden %d", 1)
    tf.logging.warn("shown %d", 2)
    tf.logging.warning("shown %d", 3)
    tf.logging.error("shown %d", 4)
    tf.logging.fatal("shown %d", 5)  # logs; the program goes on
    assert tf.logging.get_verbosity() == tf.logging.WARN
    tf.logging.set_verbosity(tf.logging.DEBUG)
    tf.logging.debug("debug %s", "x")
    tf.logging.info("info")
    tf.logging.log(tf.logging.INFO, "log %d", 6)
    tf.logging.log_if(tf.logging.INFO, "if %d", False, 7)
    records = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert records == [
        ("tensorflow", 30, "shown 2"),
        ("tensorflow", 30, "shown 3"),
        ("tensorflow", 40, "shown 4"),
        ("tensorflow", 50, "shown 5"),
        ("tensorflow", 10, "debug x"),
        ("tensorflow", 20, "info"),
        ("tensorflow", 20, "log 6"),
    ]


def test_log_every_n_and_first_n_count_per_call_site(tf_logger_level, caplog):
    caplog.set_level(logging.INFO, logger="tensorflow")
    for step in range(7):
        tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, step)
        tf.logging.log_first_n(tf.logging.INFO, "first %d", 2, step)
    messages = [r.getMessage() for r in caplog.records]
    assert [m for m in messages if m.startswith("every")] == ["every 0", "every 3", "every 6"]
    assert [m for m in messages if m.startswith("first")] == ["first 0", "first 1"]


# ---- a TF 1.15-style program using these namespaces ------------------------------------

flags.DEFINE_integer("tf1ns_steps", 60, "training steps of the example program")
flags.DEFINE_float("tf1ns_program_lr", 0.5, "its learning rate")


def test_a_tf115_style_program_trains_with_the_import_change_only(
    unparsed_flags, tf_logger_level, tmp_path, two_threads
):
    """Written as TF 1.15 code: tf.compat.v1 spellings, tf.random, tf.math, flags, ConfigProto, gfile, logging."""
    train_dir = str(tmp_path / "train")
    losses = []

    def main(argv):
        assert argv == ["prog"]
        tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.INFO)
        if not tf.io.gfile.exists(train_dir):
            tf.io.gfile.makedirs(train_dir)
        tf.compat.v1.set_random_seed(0)
        rng = np.random.RandomState(0)
        data_x = rng.randn(64, 4).astype(np.float32)
        data_y = (data_x @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32)).astype(np.float32)
        x = tf.compat.v1.placeholder(tf.float32, [None, 4])
        y = tf.compat.v1.placeholder(tf.float32, [None, 1])
        w = tf.compat.v1.Variable(tf.random.truncated_normal([4, 1], stddev=0.1, seed=1))
        b = tf.compat.v1.Variable(tf.zeros([1]))
        pred = tf.math.add(tf.matmul(x, w), b)
        loss = tf.math.reduce_mean(tf.math.square(tf.math.subtract(pred, y)))
        train_op = tf.compat.v1.train.GradientDescentOptimizer(FLAGS.tf1ns_program_lr / 5).minimize(loss)
        config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=1, allow_soft_placement=True)
        config.gpu_options.allow_growth = True
        with tf.device("/cpu:0"), tf.compat.v1.Session(config=config) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for step in range(FLAGS.tf1ns_steps):
                value, _ = sess.run([loss, train_op], {x: data_x, y: data_y})
                losses.append(float(value))
                tf.compat.v1.logging.log_every_n(tf.logging.INFO, "step %d loss %.4f", 20, step, value)
        with tf.io.gfile.GFile(os.path.join(train_dir, "loss.txt"), "w") as f:
            f.write(f"{losses[-1]}\n")
        return 0

    with pytest.raises(SystemExit) as info:
        tf.compat.v1.app.run(main=main, argv=["prog", "--tf1ns_steps=40", "--tf1ns_program_lr=0.5"])
    assert info.value.code == 0 and len(losses) == 40
    assert losses[-1] < 0.05 * losses[0]
    assert tf.gfile.Glob(os.path.join(train_dir, "*.txt")) == [os.path.join(train_dir, "loss.txt")]
    assert slimcore.get_num_threads() == 2  # the session's one thread was for its runs only
