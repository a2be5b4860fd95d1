exports.helper = () => 1;
