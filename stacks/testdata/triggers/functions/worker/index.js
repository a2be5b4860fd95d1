exports.handler = async (event) => ({ records: (event.Records || []).length });
