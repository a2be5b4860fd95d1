"""A python handler whose package comes from requirements.txt."""
import tinycalc


def handler(event, context):
    return {"doubled": tinycalc.double(event["n"])}
