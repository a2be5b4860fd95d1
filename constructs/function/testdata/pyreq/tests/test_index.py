import index


def test_handler():
    assert index.handler({"n": 2}, None) == {"doubled": 4}
